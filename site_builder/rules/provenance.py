"""Data only: how bylines, datelines, source links, editor credits and rights
notices are written in Chinese and English scrapes.  Logic is in stages/infer.py.
"""
from __future__ import annotations

import re

# 【文/观察者网专栏作者 熊节、塞尔吉奥·阿马德乌】, 文｜张三, 作者：李四
ZH_BYLINE = re.compile(
    r"^[【\[(（]?\s*(?:文|作者|撰文|记者|编译|译者?)\s*[/／|｜:：]\s*"
    r"(?P<org>[^\s】\]）)]*?(?:网|社|报|台|刊|所)?)?(?:专栏作者|特约作者|特约撰稿人|记者|作者|编辑)?\s*"
    r"(?P<names>[^】\]）)]{1,80}?)\s*[】\]）)]?\s*$")
EN_BYLINE = re.compile(r"^(?:by|written by|words by)\s+(?P<names>[A-Z][^\n]{1,120})$", re.I)
# CADE METZ, MEAGHAN TOBIN — a line of upper-case personal names.
CAPS_NAMES = re.compile(r"^(?:[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){1,3})(?:\s*(?:,|AND|&)\s*"
                        r"[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){1,3})*$")
NAME_SPLIT = re.compile(r"\s*(?:,|、|，|;|；| and | AND |&| 和 | 与 )\s*")

# 原链接:URL, 原文链接：URL, Source: URL, Original: URL (emphasis marks allowed around)
SOURCE_LINE = re.compile(
    r"^[_*\s]*(?:原链接|原文链接|原文地址|来源链接|文章来源|来源|source|original(?: article)?|via)"
    r"\s*[:：]\s*<?(?P<url>https?://[^\s<>]+?)>?[_*\s]*$", re.I)
# a last line that is only a Markdown link: [qq](https://new.qq.com/...)
LINK_ONLY = re.compile(r"^\s*\[(?P<text>[^\]\n]{1,60})\]\((?P<url>https?://[^)\s]+)\)\s*$")
EDITOR = re.compile(r"^[-–—\s]*(?:责任编辑|责编|编辑|审校|校对|editor|edited by)\s*[:：]?\s*(?P<name>[^\n]{1,40}?)\s*$",
                    re.I)
RIGHTS = re.compile(
    r"(?:未经(?:授权|许可).{0,12}(?:不得|禁止)转载|版权(?:所有|归)|转载请注明|独家稿件|"
    r"all rights reserved|©\s*\d{4}|copyright\s*(?:©\s*)?\d{4})", re.I)
# "TMTPOST --- Currently, ..." / "BEIJING, Jan. 3 (Reuters) - ..."
DATELINE = re.compile(r"^(?P<site>[A-Z][A-Za-z.&]{2,24}(?: [A-Z][A-Za-z.&]+){0,2})\s+(?:-{2,3}|—|–)\s+(?=\S)")
DEK = re.compile(r"^[【\[]?\s*(?:导读|导语|摘要|编者按|提要)\s*[】\]]?\s*[:：]?\s*")
PUBLISHER_IN_BYLINE = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,8}(?:网|社|报|台|刊))")
SITE_SUFFIX = re.compile(r"(?:网|新闻网|日报|时报|周刊|News|Times|Post|Daily|Journal|Review)$")
# "观察者网专栏作者 熊节" -> "熊节": the organisation and role before the names
ROLE_PREFIX = re.compile(r"^.{0,20}?(?:专栏作者|特约作者|特约撰稿人|特约评论员|记者|作者|撰稿人)\s*")
