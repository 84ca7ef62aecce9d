"""Outside channels: e-mail and chat group robots (DingTalk, Feishu/Lark, WeCom).

Signing and payloads are pure functions so they can be checked without a network; the
one function that talks HTTP uses `urllib.request` with a timeout. Every failure is
classified as transient (worth retrying: timeouts, 5xx, rate limits, a refused SMTP
connection) or permanent (a rejected key, a bad address), so that retries never hammer
a robot that will not accept the message anyway."""

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from .models import Platform

WEBHOOK_TIMEOUT_SECONDS = 10
MAX_CHAT_TEXT = 3500  # the platforms cut or reject long messages (WeCom: 2048 bytes of text)

# Rate-limit answers the platforms give with HTTP 200: worth another try later.
_TRANSIENT_CODES = {
    Platform.DINGTALK: {130101, -1},
    Platform.FEISHU: {9499, 11232, 11233},
    Platform.WECOM: {45009, -1},
}


class ChannelError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


# --- signing and payloads (pure) -------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), url-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu/Lark: base64(HMAC-SHA256(key="timestamp\\nsecret", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def chat_text(*, subject: str, body: str, link: str = "") -> str:
    text = f"{subject}\n\n{body}".strip()
    if len(text) > MAX_CHAT_TEXT:
        text = text[: MAX_CHAT_TEXT - 1] + "…"
    if link:
        text = f"{text}\n{link}"
    return text


def build_webhook_request(
    *, platform: str, url: str, secret: str, text: str, now: float | None = None
) -> tuple[str, dict]:
    """The address to POST to and the JSON body, signed where the platform signs."""
    now = time.time() if now is None else now
    if platform == Platform.DINGTALK:
        payload = {"msgtype": "text", "text": {"content": text}}
        if secret:
            timestamp_ms = int(now * 1000)
            separator = "&" if urlsplit(url).query else "?"
            url = f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
        return url, payload
    if platform == Platform.FEISHU:
        payload = {"msg_type": "text", "content": {"text": text}}
        if secret:
            timestamp_s = int(now)
            payload = {
                "timestamp": str(timestamp_s),
                "sign": feishu_sign(secret, timestamp_s),
            } | payload
        return url, payload
    if platform == Platform.WECOM:
        return url, {"msgtype": "text", "text": {"content": text}}
    raise ChannelError(f"unknown chat platform {platform!r}", transient=False)


def check_webhook_answer(platform: str, answer: dict) -> None:
    """The platforms answer HTTP 200 with an error code in the body."""
    if platform == Platform.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode", 0)
        message = answer.get("errmsg", "")
    if code in (0, None):
        return
    transient = code in _TRANSIENT_CODES.get(platform, set())
    raise ChannelError(f"{platform} answered {code}: {message}", transient=transient)


# --- sending -------------------------------------------------------------------------------


def post_webhook(*, platform: str, url: str, secret: str, text: str) -> None:
    address, payload = build_webhook_request(platform=platform, url=url, secret=secret, text=text)
    if urlsplit(address).scheme not in ("http", "https"):
        raise ChannelError(
            "the webhook address must start with http:// or https://", transient=False
        )
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        address,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        transient = error.code >= 500 or error.code == 429
        raise ChannelError(
            f"HTTP {error.code} from the chat platform", transient=transient
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ChannelError(f"chat platform unreachable: {error}", transient=True) from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ChannelError(
            "the chat platform answered with something other than JSON", transient=True
        ) from None
    if isinstance(answer, dict):
        check_webhook_answer(platform, answer)


def send_email(*, to: str, subject: str, body: str, html: str = "") -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise ChannelError(f"mail server refused the message: {error}", transient=False) from None
    except (smtplib.SMTPException, OSError) as error:
        raise ChannelError(f"mail server problem: {error}", transient=True) from None
