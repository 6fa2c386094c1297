"""Data only: how notes sections, note entries and footnote markers are written
in Chinese and English scrapes (and the Markdown inside a note's text).
Logic is in stages/footnotes.py; see docs/footnotes.md.
"""
from __future__ import annotations

import re

# ------------------------------------------------------------------ word tables
# Heading texts (casefolded, without #, **, brackets or a final colon) that
# open a notes section.  A heading only counts when a note entry follows it.
NOTES_HEADINGS = frozenset("""
注 注释 註釋 注解 註解 脚注 腳註 尾注 附注 附註 参考 參考 参考文献 參考文獻 参考资料 參考資料
参考书目 參考書目 文献 文獻 引用 引文 引用文献 出处 出處 来源 來源 资料来源 資料來源
注释与参考文献 注释和参考文献 参考文献与注释 注記 脚註
""".split()) | frozenset({
    "notes", "note", "footnotes", "footnote", "endnotes", "end notes", "references", "reference",
    "sources", "source", "bibliography", "works cited", "citations", "reference list",
    "notes and references", "references and notes", "notes and sources", "sources and notes",
    "notas", "referências", "referencias", "referências bibliográficas", "fontes", "fuentes",
    "anmerkungen", "quellen", "literatur", "fußnoten", "références", "bibliographie",
    "примечания", "источники", "литература",
})
# What a heading is stripped of before the lookup: '**注释：**', '## Notes', '【参考文献】'.
HEADING_TRIM = "#*_【】[]［］:：-—.。 \t\u3000"

# Notes that mean "the same source as the note before"; longest first.
IDEM_WORDS = ("ibidem", "ibid", "idem", "id.", "同上书", "同上注", "同上", "同前书", "同前注", "同前",
              "同注", "前揭书", "前揭")

# A block that starts like this after a note continues that note (seed 000:
# ``[9] ...`` then a paragraph ``Link:https://...``).
LINK_LEADS = ("link", "links", "url", "available at", "available from", "available online",
              "retrieved from", "online", "accessed", "source", "doi", "链接", "連結", "网址",
              "網址", "来源", "來源", "出处", "原文", "原文链接")

# Full-width and superscript digits -> ASCII, so that ［１］, [1] and ¹ share label "1".
DIGITS = str.maketrans("０１２３４５６７８９⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")

# ------------------------------------------------------------------ note entries and markers
_SP = r"[ \t\u3000]"            # a space of either width, never a newline
# One note entry at the start of a line; the group that matched names the shape.
ENTRY = re.compile(rf"""{_SP}*(?:[-*+]{_SP}+)?(?:
    \[\^(?P<fn>[^\]\s]{{1,64}})\]:{_SP}*                                # [^label]:
  | \[\\?\[(?P<ln>[0-9]{{1,6}})\\?\]\]\([^)\s]*\){_SP}*                 # [[1]](#_ftnref1)
  | \\?[\[［]{_SP}*(?P<br>[0-9０-９]{{1,6}}){_SP}*\\?[\]］](?!\()[:：]?{_SP}*  # [1] ［1］ \\[1\\] [1]:
  | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,6}}){_SP}*                                  # ¹ text
  | (?P<num>[0-9]{{1,4}})(?:[.．](?![0-9])|[)）、]){_SP}*                 # 1. text
)""", re.X)
# A footnote marker in running text; the group that matched names the shape.
MARKER = re.compile(rf"""
    (?P<link>\[\\?\[(?P<ln>[0-9]{{1,6}})\\?\]\]\((?P<href>[^)\s]*)\))     # [[1]](#_ftn1)
  | \[\^(?P<fn>[^\]\s]{{1,64}})\](?!:)                                    # [^label]
  | \\?[\[［]{_SP}*(?P<br>[0-9０-９]{{1,6}}){_SP}*\\?[\]］]                # [1] [ 1 ] ［1］
  | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,6}})                                          # ¹²
""", re.X)
# A character that may start a marker: blocks without one are not scanned.
MAY_MARK = re.compile(r"[\[［⁰¹²³⁴⁵⁶⁷⁸⁹]")
# A bracketed number written mid-line: a citation, so a lone ``[n] text`` block is its note.
BR_MID = re.compile(rf"(?<=[^\n])\\?[\[［]{_SP}*([0-9０-９]{{1,6}}){_SP}*\\?[\]］]")
# ``(target)`` right after ``[1]``: a Markdown link, not a marker.
MD_LINK_AFTER = re.compile(r"\([^\s()]*[/.:#][^\s()]*\)")
# Inline code: markers inside it are not markers.
CODE_SPAN = re.compile(r"(`+)[^`\n]{1,1000}?\1")
# One or two letters before a superscript: a unit (m², km³), not a marker.
UNIT_BEFORE = re.compile(r"(?:^|[^A-Za-z])[A-Za-z]{1,2}$")
# A note that opens with an IDEM_WORDS word (emphasis allowed around it); group ``w`` is the word.
IDEM = re.compile(r"[*_]{0,2}(?P<w>" + "|".join(re.escape(w) for w in IDEM_WORDS)
                  + r")[*_]{0,2}[.。]?[*_]{0,2}(?=$|[\s,，;；:：.。、(（第])", re.I)
# A block that opens with an address, after an optional LINK_LEADS word.
LINK_LEAD = re.compile(r"(?:(?:" + "|".join(re.escape(w) for w in LINK_LEADS)
                       + r")\s*[:：]?\s*)?<?(?:https?://|www\.|doi\s*[:：]|10\.\d{4,9}/)", re.I)

# ------------------------------------------------------------------ a note's text
# A web address or a DOI, as far as it runs in printable ASCII.
URL = re.compile(r"(?:https?://|www\.)[!-;=?-~]+|\bdoi:\s?10\.\d{4,9}/[!-;=?-~]+", re.I)
# 'doi10.1000/x', 'DOI：10.1000/x': the word before a DOI, to be written 'doi: '.
DOI_LEAD = re.compile(r"\b(doi)\s*[:：]?\s*(?=10\.\d{4,9}/)", re.I)
# [label](url) and [label](<url>), not an image.
MD_INLINE_LINK = re.compile(r"(?<!!)\[([^\]\n]{1,500})\]\((?:<([^>\s]+)>|([^)\s]+))\)")
# <https://...>
AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>", re.I)
# **bold** and *emphasis*, not escaped and not around spaces.
BOLD = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*")
EM = re.compile(r"(?<![\\*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s\\*])\*(?!\*)")
# A backslash escape of ASCII punctuation.
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
