"""Data only: what site chrome looks like in scraped text, in Chinese and English.

The logic that uses these tables is in stages/clean_core.py.  Nothing here
names a site: every entry is a phrase or a shape that many sites share.
Three kinds of evidence are kept apart because they are trusted differently:

- LABELS: a whole block that is nothing but such words ("Share", "Facebook
  Twitter Email", "相关推荐", "更多") is chrome wherever it stands;
- PHRASES: a short block that *contains* such a phrase ("Sign up for our
  newsletter", "未经授权，不得转载") is chrome; long blocks are never judged by a
  phrase alone, so an article that quotes "subscribe" keeps its paragraph;
- PATTERNS: shapes (timestamps, counters, gallery controls, image file names).

Each table maps a reason (shown to archivists as "chrome: <reason>") to its
entries.  Matching is case-insensitive; LABELS are compared after dropping
punctuation, bullets, separators and digits.
"""
from __future__ import annotations

import re

# ------------------------------------------------------------------ LABELS
# A block made only of these words (in any order, possibly several of them,
# possibly glued: "FacebookTwitterEmail") is chrome.

LABELS: dict[str, tuple[str, ...]] = {
    "share row": (
        "シェア", "ツイート", "はてブ", "공유", "поделиться", "compartilhe", "compartilhar",
        "condividi", "compartir", "partager",
        "share", "share this", "share this article", "share this story", "share on", "shares",
        "tweet", "facebook", "twitter", "pinterest", "linkedin", "reddit", "whatsapp", "email",
        "e-mail", "print", "copy link", "copy", "link", "flipboard", "messenger", "sms",
        "tumblr", "pocket", "mail", "save", "bookmark", "x",
        "分享", "分享到", "微信", "微博", "朋友圈", "qq空间", "qq", "收藏", "点赞", "转发",
        "复制链接", "打印", "赞",
    ),
    "social link row": (
        "follow us", "follow", "instagram", "youtube", "rss", "telegram", "snapchat", "tiktok",
        "vk", "vkontakte", "odnoklassniki", "weibo", "wechat", "line", "blank", "facebook-blank",
        "rss-blank", "linkedin-blank", "关注我们", "抖音", "小红书", "b站", "知乎",
    ),
    "related-articles list": (
        "関連記事", "関連", "おすすめ記事", "人気記事", "ランキング", "관련기사", "관련 기사",
        "많이 본 뉴스", "читайте также", "похожие", "похожие статьи", "по теме", "leia também",
        "veja também", "mais lidas", "relacionados", "leggi anche", "articoli correlati",
        "lee también", "te puede interesar", "à lire aussi", "lire aussi", "sur le même sujet",
        "related", "related articles", "related stories", "related posts", "related content",
        "related coverage", "related news", "related topics", "you may also like",
        "you might also like", "recommended", "recommended for you", "more stories",
        "more from", "more news", "read next", "up next", "most popular",
        "most read", "most viewed", "popular", "trending", "trending now", "top stories",
        "editor's picks", "editors' picks", "also read", "see also", "more on this",
        "more in", "hot", "what to read next", "don't miss", "recommended stories",
        "相关推荐", "相关阅读", "相关文章", "相关新闻", "推荐阅读", "延伸阅读", "热门文章",
        "热门推荐", "热门", "猜你喜欢", "最新闻", "更多文章", "热点", "热读", "精选",
        "推荐", "排行榜", "热门排行",
    ),
    "news ticker": (
        "breaking news", "latest news", "latest", "live", "news feed", "just in",
        "快报", "快讯", "7x24", "滚动", "滚动新闻", "新闻汇总", "最新", "最新消息", "实时",
    ),
    "comment box": (
        "コメント", "댓글", "комментарии", "комментарий", "comentários", "comentarios",
        "commenti", "commentaires",
        "comments", "comment", "leave a comment", "post a comment", "add a comment",
        "join the conversation", "view comments", "show comments", "hide comments",
        "discussion", "reply", "replies", "report", "submit", "post", "cancel", "load more",
        "发表评论", "评论", "网友评论", "我要评论", "回复", "提交", "写评论", "查看评论",
        "全部评论", "热门评论", "最新评论", "评论区",
    ),
    "login prompt": (
        "ログイン", "로그인", "войти", "entrar", "accedi", "connexion",
        "sign in", "log in", "login", "log out", "logout", "register", "sign up", "my account",
        "account", "profile", "create account", "登录", "注册", "退出", "登录注册", "个人中心",
    ),
    "newsletter prompt": (
        "구독", "подписаться", "assine", "iscriviti", "suscríbete", "s'abonner",
        "newsletter", "newsletters", "subscribe", "subscribe now", "subscription",
        "subscriptions", "sign up for our newsletter", "邮件订阅", "订阅", "立即订阅",
    ),
    "app prompt": (
        "download the app", "get the app", "app", "app store", "google play", "download",
        "扫描下载app", "下载app", "下载客户端", "客户端", "扫码下载", "打开app",
    ),
    "ad marker": (
        "スポンサードリンク", "広告", "광고", "реклама", "publicidade", "publicidad", "pubblicità",
        "publicité",
        "advertisement", "advertising", "ad", "ads", "sponsored", "sponsored content",
        "paid content", "promoted", "partner content", "story continues below advertisement",
        "continue reading below", "continue reading", "article continues below",
        "广告", "推广", "赞助", "商业推广",
    ),
    "navigation menu": (
        "ホーム", "メニュー", "検索", "次の記事", "前の記事", "タグ", "カテゴリー", "홈", "메뉴",
        "검색", "главная", "меню", "поиск", "início", "buscar", "cerca", "recherche",
        "home", "menu", "main menu", "sections", "search", "close", "open", "skip to content",
        "skip to main content", "back to top", "return to top", "top", "next", "previous",
        "prev", "next article", "previous article", "next story", "go", "toggle navigation",
        "navigation", "all sections", "more sections", "menu sections", "site map", "sitemap",
        "news", "world", "politics", "business", "tech", "technology", "science", "health",
        "sports", "sport", "entertainment", "opinion", "lifestyle", "culture", "travel",
        "video", "videos", "photos", "podcasts", "local", "weather", "markets", "finance",
        "首页", "导航", "返回顶部", "上一篇", "下一篇", "返回首页", "搜索", "菜单", "频道",
        "新闻", "国际", "国内", "财经", "科技", "体育", "娱乐", "视频", "图片", "专题",
        "关闭", "返回",
    ),
    "page footer": (
        "privacy", "privacy policy", "privacy notice", "terms", "terms of use",
        "terms of service", "terms and conditions", "cookie policy", "cookies",
        "cookie settings", "contact", "contact us", "about", "about us", "careers", "jobs",
        "advertise", "advertise with us", "help", "faq", "feedback", "accessibility",
        "corrections", "ad choices", "do not sell my personal information",
        "关于我们", "联系我们", "隐私政策", "用户协议", "服务条款", "广告服务", "网站地图",
        "帮助中心", "意见反馈", "加入我们", "免责声明", "版权声明", "友情链接",
    ),
    "gallery controls": (
        "caption", "hide caption", "toggle caption", "show caption", "enlarge this image",
        "expand", "fullscreen", "full screen", "back to gallery", "view gallery",
        "view all", "play", "pause", "replay", "mute", "watch", "image", "photo", "gallery",
        "slideshow", "上一张", "下一张", "查看原图", "点击查看大图",
    ),
    "more link": (
        "more", "read more", "see more", "view more", "show more", "load more", "see all",
        "view all", "更多", "阅读更多", "查看更多", "加载更多", "もっと見る", "더보기",
    ),
    "donation prompt": (
        "donate", "support us", "tip", "赞赏", "赞赏支持", "打赏", "赏",
    ),
}

# ----------------------------------------------------------------- PHRASES
# A *short* block containing one of these is chrome (see SHORT_FOR_PHRASE).

PHRASES: dict[str, tuple[str, ...]] = {
    "comment box": (
        "leave a comment", "post a comment", "add a comment", "join the conversation",
        "comments are closed", "be the first to comment", "comment policy",
        "登录后输入评论", "发表评论", "绑定手机号后发表评论", "评论内容", "条评论", "网友评论",
        "文明上网", "理性发言",
    ),
    "login prompt": (
        "sign in to", "log in to", "already a subscriber", "already have an account",
        "create an account", "create a free account", "登录后", "请登录", "立即登录",
    ),
    "newsletter prompt": (
        "sign up for", "subscribe to our", "our newsletter", "newsletter", "to your inbox",
        "in your inbox", "enter your email", "email address", "subscribe now",
        "输入您的邮件地址", "邮件地址", "邮箱地址", "邮件订阅", "订阅我们",
    ),
    "app prompt": (
        "download our app", "download the app", "get the app", "on the app store",
        "扫描下载", "下载app", "下载客户端", "扫码关注", "扫码下载", "扫一扫", "长按识别",
        "打开app", "app内打开",
    ),
    "ad marker": (
        "advertisement", "sponsored content", "story continues below", "article continues below",
        "continue reading below", "paid post", "广告", "商业推广",
    ),
    "reprint notice": (
        "转载请注明", "未经授权", "未经许可", "不得转载", "禁止转载", "独家稿件", "版权归",
        "all rights reserved", "may not be published, broadcast", "may not be reproduced",
        "this material may not be", "reprints & permissions", "reprints and permissions",
    ),
    "disclaimer": (
        "仅代表作者个人观点", "仅代表作者本人观点", "不代表本站观点", "不代表平台观点",
        "不构成投资建议", "仅供参考", "本文来源", "图片来源", "原标题",
        "views expressed", "do not necessarily reflect", "not investment advice",
        "for informational purposes only",
    ),
    "affiliate disclosure": (
        "may earn a commission", "may receive a commission", "may earn a small commission",
        "affiliate links", "affiliate commission", "we may earn money", "may get a commission",
    ),
    "contribution prompt": (
        "点击这里投稿", "欢迎投稿", "投稿邮箱", "寻求报道", "submit a tip", "send us a tip",
        "got a tip",
    ),
    "donation prompt": (
        "得赞赏", "赞赏支持", "打赏", "support our journalism", "support independent journalism",
        "make a donation", "become a member", "become a patron",
    ),
    "share row": (
        "share this article", "share this story", "share this entry", "share this post", "share on ",
        "click to share", "opens in new window", "分享到",
    ),
    "social link row": (
        "follow us on", "follow @", "like us on facebook", "关注我们", "关注微信", "官方微信",
        "微信公众号", "公众号",
    ),
    "page footer": (
        "privacy policy", "terms of use", "terms of service", "cookie policy", "use of cookies",
        "we use cookies", "uses cookies", "utilizziamo i cookie", "usamos cookies",
        "utilizamos cookies", "nous utilisons des cookies", "wir verwenden cookies",
        "используем cookie", "accept cookies", "cookie settings", "本网站使用cookie", "by continuing to use", "by using this site",
        "your privacy", "ad choices", "©", "(c) copyright", "copyright ©", "版权所有",
        "icp备", "icp证", "公网安备", "互联网新闻信息服务许可证", "违法和不良信息举报",
        "举报电话", "all rights reserved", "registered trademark", "trademarks of",
        "terms and conditions", "privacy notice",
    ),
    "related-articles list": (
        "related:", "read more:", "read also", "see also:", "you may also like",
        "recommended for you", "more from", "相关推荐", "相关阅读", "推荐阅读", "延伸阅读",
    ),
    "gallery controls": (
        "image 1 of", "photo 1 of", "1 of ", "enlarge this image", "hide caption",
        "toggle caption", "back to gallery",
    ),
    "site about blurb": (
        "始创于", "创立于", "成立于", "创办于", "founded in", "was founded", "is a leading",
        "about us",
    ),
}

# Phrases judge a block only while it is short: below this many word-units
# (a Latin word or two Han characters count as one unit).
SHORT_FOR_PHRASE = 40
# Footer and reprint evidence ("all rights reserved", "未经授权") may sit in longer
# legal blocks, so it judges blocks up to this size.
SHORT_FOR_LEGAL = 150
LEGAL_REASONS = ("page footer", "reprint notice")
# A "©" beside these words belongs to a photo credit inside a caption, not to the footer.
PHOTO_WORDS = re.compile(r"photo|image|picture|credit|getty|reuters|\bap\b|afp|shutterstock|图|摄", re.I)

# ---------------------------------------------------------------- PATTERNS

# A date and/or time with at most a few words of label around it:
# "2025-03-12 21:40", "Updated 1:39 am EST, Wednesday, November 20, 2019",
# "3 hours ago", "2025年2月13日 06:42", "Nov. 20, 2019".
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
TIMESTAMP = re.compile(
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    rf"|\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*(?:\d{{4}})?"
    rf"|\b\d{{1,2}}\s+{MONTH}\s*(?:\d{{4}})?"
    r"|\b\d{1,6}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdw])\s+ago\b"
    r"|(?<!\d)\d{1,6}\s*(?:秒|分钟|小时|天|周|个月|年)前|刚刚|昨天|前天|今天"
    r"|\d{1,2}月\d{1,2}日",
    re.I)
# A month with its year: "2019年11月", "11/2019", "November 2019".
MONTH_NUMBER = re.compile(rf"\d{{4}}年\d{{1,2}}月|\b\d{{1,2}}/\d{{4}}\b|\b{MONTH}\s+\d{{4}}\b", re.I)
# Words that may stand beside a timestamp on a date line.
TIME_WORDS = re.compile(
    r"\b(?:updated?|published|posted|modified|last|on|at|am|pm|a\.m\.|p\.m\.|est|edt|cst|cdt|"
    r"pst|pdt|gmt|utc|bst|cet|ist|et|pt|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|mon|tue|wed|thu|fri|sat|sun|today|yesterday|by|and|read|min|minute|minutes|"
    r"time|ago)\b|发布时间|发布于|更新时间|更新于|发布|更新|时间|来源", re.I)

# Counters: "0 / 300", "12 comments", "3 min read", "1.2k views", "评论 45", "阅读 1000".
# A number starts only where a run of figures starts, and runs at most 16 characters:
# a match tried at every digit of a long run would take quadratic time.
COUNTER = re.compile(
    r"^\s*\d+\s*/\s*\d+\s*$"
    r"|\b(?<!\d[,.])\d[\d,.]{0,15}\s*[km]?\s*"
    r"(?:comments?|replies|views?|shares?|likes?|reads?|min(?:ute)?s?\s+read|photos?|images?|videos?|votes?|reactions?)\b"
    r"|(?:评论|阅读|浏览|点赞|收藏|分享|转发|回复|关注|粉丝)\s*[:：]?\s*\d[\d,.]*\s*[万千kw]?"
    r"|(?<!\d)(?<!\d[,.])\d[\d,.]{0,15}\s*[万千]?\s*(?:人阅读|次阅读|阅读|评论|条评论|人参与|人关注|赞)",
    re.I)
# Gallery position: "Image 1 of 23", "1 / 23", "1 of 12".
GALLERY = re.compile(r"^(?:image|photo|picture|slide)\s*\d+\s*(?:of|/)\s*/?\s*\d+$|^\d+\s*of\s*\d+$", re.I)

# Credit lines standing alone: "Photo: Damian Dovarganes, AP", "Image: Getty",
# "图片来源：视觉中国", "（图源：网络）".
CREDIT = re.compile(
    r"^[(（\[]?\s*(?:photo|photograph|image|picture|illustration|video|graphic|credit|source|"
    r"photo credit|image credit|图|图片|图源|图片来源|摄影|视频|来源)\s*(?:by)?\s*[:：]\s*.{1,80}$"
    r"|^(?:getty images|shutterstock|afp|ap|reuters|associated press|epa|istock)(?:\s*/\s*[\w .]+)?$",
    re.I)

# A line that is just an address or a handle.
URL_LIKE = re.compile(r"^(?:<?https?://\S+>?|www\.\S+|\S+\.(?:com|org|net|cn)(?:/\S*)?|@\w{2,30}"
                      r"|[\w.+-]+@[\w-]+\.[\w.]+)$", re.I)

# An image file name glued onto the caption that follows it, as scrapers
# leave it when they flatten <img> alt/src text: "00china ai cohen wzhb
# master1050自从...", "merlin_1234-articleLarge Reuven Cohen ...".  The name is
# lower-case ASCII words with a digit-bearing word at one end, or a file with an
# image extension, and it runs straight into a capital letter or a Han character.
GLUED_FILENAME = re.compile(
    r"^(?P<name>[\w.-]+\.(?:jpe?g|png|gif|webp|avif)"
    r"|(?=[a-z0-9]*\d)[a-z0-9]+(?:[ _-][a-z0-9]+){1,10}?[ _-][a-z]*\d{2,5}[a-z]*"
    r"|[a-z]+(?:[ _-][a-z0-9]+){1,10}?[ _-][a-z]*\d{2,5}[a-z]*)"
    r"(?=[A-Z\u3400-\u9fff“\"(（])")

# Glue between menu entries and inside share rows.
SEPARATORS = re.compile(r"[\s|·•/\\>»«‹›,，、;；:：\-–—_+*#()（）\[\]【】<>\"'“”‘’!?.。！？…]+")

# Sentence-final punctuation: a block that ends so is written, not a label.
SENTENCE_END = re.compile(r"[.!?。！？…”\"’』」)）:：;；、，,~～][\s\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]*$")
SENTENCE_MARK = re.compile(r"[.!?。！？;；](?:\s|$|[\"”’)）」』])|[。！？；]")
COMMA = re.compile(r"[,，、]")
# Punctuation inside a line: facts in a list ("June 9 -- Arena, Tampa, FL") have
# it, menu entries and link labels rarely do.
INNER_PUNCT = re.compile(r"[,，、;；:：()（）]|\s[-–—]{1,2}\s")

# Function words: running text is full of them, menus and headlines less so
# (jusText's signal).  A short list per language is enough for a ratio.
STOPWORDS: frozenset[str] = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your
said says one two new like get got may might must us yet still even though although however
de da do das dos em no na nos nas um uma para por com que não se os as ao à é são foi ser
como mais mas ou já também pelo pela seu sua ele ela eles elas isso este esta
il lo la le gli i di del della dei delle un una per con che non si sono è al alla nel nella
anche come più ma ha hanno essere questo questa
el los las del al por con para es y en que lo su sus una fue ha como más pero sin sobre
le les des du et est une pour dans sur pas qui au aux avec ce cette sont ont été
der die das und ist nicht mit den dem ein eine auf für von zu sich auch es im
и в не на что с по как это он она они а но к из у за от так же то все его ее был была
было были бы для о при или уже еще только
yang dan di ke dari ini itu dengan untuk tidak ada akan pada juga dalam karena atau kita
kami mereka sudah bisa oleh saat
de het een en van in op dat die niet met voor zijn er aan ook als maar bij om dan naar
bir ve bu da de ile için çok daha gibi olarak
""".split())
# Han characters that carry grammar rather than content.
HAN_FUNCTION = frozenset("的了是在和与也都就而及或但并被把对从向以于之其这那他她它们我你着过所为将会能要还又很更最已")

# Where reader comments begin: a heading such as "34 responses to “...”",
# "12 Comments", "Top Rated Comments", "Leave a Reply", or a "name says:" line.
# Nothing after it (in the page's tail) is the article.
COMMENTS_START = re.compile(
    r"^(?:\d[\d,.]*\s+(?:comments?|responses?|replies|reactions|thoughts)\b.{0,120}"
    r"|(?:top rated |reader |latest |recent |all |show |view |load |read )?comments?(?:\s*\(\d*\+?\))?"
    r"|comments? (?:&|and) replies|leave a (?:reply|comment)|post a comment|add a comment"
    r"|join the (?:discussion|conversation)|want to join the discussion\??"
    r"|comments are closed\.?|comments powered by \w+|discussion|what do you think\?"
    r"|[^\s:]{1,30}(?: [^\s:]{1,20}){0,3} (?:says|said|wrote|writes):"
    r"|网友评论|全部评论|热门评论|最新评论|评论区|发表评论|\d+\s*条评论"
    r"|lascia un commento|deixe (?:um|seu) comentário|deja (?:un|tu) comentario|laisser un commentaire"
    r"|оставить комментарий|kommentar (?:schreiben|hinterlassen)|コメントを(?:残す|書く)|댓글 (?:남기기|쓰기))$",
    re.I)

# "By JERUSALEM POST STAFF", "By Reuters", "Por Fulano": a byline standing
# alone, as under every item of a link list.
BYLINE = re.compile(r"^(?:(?:by|from|por|par|di|von|от)(?:\s+[\w.'’\- ]{2,40})?|biography|author|about the author"
                    r"|作者|文|记者|编辑)$", re.I)

# The page's legal footer: once it is reached the page is over, so the article
# can never run across it (a wall for the article run, not only a penalty).
FOOTER_WALL = re.compile(
    r"all rights reserved|copyright\s*(?:©\s*)?(?:19|20)\d\d|版权所有|icp备|公网安备"
    r"|©\s*(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?,?\s+[\w .&',-]{0,60}?"
    r"\b(?:inc|ltd|llc|corp|company|group|media|news|holdings|gmbh|pty|plc|limited)\b", re.I)

# An author's biography closing the article ("Meg James is a corporate media
# reporter for ...", "（作者系某大学教授）"): a line about the byline, not the story.
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w.'’-]+(?:\s*\([^)]{1,40}\))?,?\s+(?:is|was|has been|writes|covers)\b"
    r".{0,120}?\b(?i:writer|reporter|editor|correspondent|columnist|contributor|journalist|blogger|"
    r"freelancer?|author|educator|host|producer|critic|analyst)s?\b"
    r"|^.{0,60}\b(?:journalist|reporter|writer|columnist|correspondent|editor)\s+(?:[A-Z][\w.'’-]+\s+){1,3}"
    r"(?:writes|covers|is|has)\b"
    r"|^[(（]?(?:作者系|作者为|作者是|作者简介)",
    re.S)
# Contact and follow lines under an article: "Write to Al Root at ...", "Follow him on Twitter".
AUTHOR_CONTACT = re.compile(
    r"^(?i:write to|contact|email|e-mail|reach)\s+(?:\w+\s+){0,4}(?i:at|via)\b"
    r"|^(?i:follow)\s+(?:(?i:him|her|them|me|us)|@\w+|[A-Z]\w+(?: [A-Z]\w+)?)\s+(?i:on)\s+"
    r"(?i:twitter|facebook|instagram|linkedin|youtube|x)\b")

# A block of contact details: two or more "Telephone:", "Fax:", "E-mail:" labels.
CONTACT_LABEL = re.compile(r"\b(?:tel|telephone|phone|fax|e-?mail|address|电话|传真|邮箱|地址)\s*[:：]", re.I)
