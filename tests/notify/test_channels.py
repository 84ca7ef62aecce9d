"""Chat robot signing and payloads as pure functions, and real delivery to a tiny HTTP
server on 127.0.0.1 (tests never call outside addresses)."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from collab.notify import channels, services
from collab.notify.channels import (
    ChannelError,
    build_webhook_request,
    check_webhook_answer,
    dingtalk_sign,
    feishu_sign,
)
from collab.notify.models import Channel, ChatWebhook, Delivery, DeliveryStatus, Platform

NOW = 1767225600.123  # 2026-01-01 00:00:00.123 UTC


def test_dingtalk_sign_matches_published_algorithm():
    secret = "SEC0123456789abcdef"
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"1767225600123\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()

    signed = dingtalk_sign(secret, 1767225600123)

    assert unquote_plus(signed) == expected
    assert "+" not in signed and "/" not in signed and "=" not in signed


def test_dingtalk_request_puts_timestamp_and_sign_in_query():
    url, payload = build_webhook_request(
        platform=Platform.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SECxyz",
        text="Hello",
        now=NOW,
    )

    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1767225600123"]
    assert query["sign"] == [unquote_plus(dingtalk_sign("SECxyz", 1767225600123))]
    assert payload == {"msgtype": "text", "text": {"content": "Hello"}}


def test_dingtalk_request_without_secret_is_unsigned():
    url, _ = build_webhook_request(
        platform=Platform.DINGTALK,
        url="https://x.test/robot?access_token=abc",
        secret="",
        text="t",
        now=NOW,
    )

    assert "sign=" not in url


def test_feishu_sign_is_hmac_of_empty_message_keyed_with_timestamp_and_secret():
    expected = base64.b64encode(
        hmac.new(b"1767225600\nmysecret", b"", hashlib.sha256).digest()
    ).decode()

    assert feishu_sign("mysecret", 1767225600) == expected


def test_feishu_request_signs_in_body():
    url, payload = build_webhook_request(
        platform=Platform.FEISHU,
        url="https://open.feishu.cn/open-apis/bot/v2/hook/abc",
        secret="mysecret",
        text="你好",
        now=NOW,
    )

    assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/abc"
    assert payload == {
        "timestamp": "1767225600",
        "sign": feishu_sign("mysecret", 1767225600),
        "msg_type": "text",
        "content": {"text": "你好"},
    }


def test_wecom_request_is_plain():
    url, payload = build_webhook_request(
        platform=Platform.WECOM,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        secret="ignored",
        text="hi",
        now=NOW,
    )

    assert url.endswith("key=k")
    assert payload == {"msgtype": "text", "text": {"content": "hi"}}


@pytest.mark.parametrize(
    ("platform", "answer", "transient"),
    [
        (Platform.DINGTALK, {"errcode": 310000, "errmsg": "sign not match"}, False),
        (Platform.DINGTALK, {"errcode": 130101, "errmsg": "send too fast"}, True),
        (Platform.FEISHU, {"code": 19021, "msg": "sign match fail"}, False),
        (Platform.FEISHU, {"code": 9499, "msg": "too many requests"}, True),
        (Platform.WECOM, {"errcode": 93000, "errmsg": "invalid webhook url"}, False),
    ],
)
def test_check_webhook_answer_classifies_errors(platform, answer, transient):
    with pytest.raises(ChannelError) as excinfo:
        check_webhook_answer(platform, answer)

    assert excinfo.value.transient is transient


def test_check_webhook_answer_accepts_success():
    check_webhook_answer(Platform.DINGTALK, {"errcode": 0, "errmsg": "ok"})
    check_webhook_answer(Platform.FEISHU, {"code": 0, "msg": "success"})
    check_webhook_answer(Platform.FEISHU, {"StatusCode": 0})


def test_chat_text_is_bounded_and_keeps_link():
    text = channels.chat_text(subject="S", body="x" * 10000, link="http://h/r/1/")

    assert len(text) < channels.MAX_CHAT_TEXT + 40
    assert text.endswith("http://h/r/1/")


class _Robot(BaseHTTPRequestHandler):
    received: list = []
    status = 200
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.path, json.loads(self.rfile.read(length))))
        body = json.dumps(type(self).answer).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot_server():
    handler = type("Robot", (_Robot,), {"received": [], "status": 200, "answer": {"errcode": 0}})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield handler
    server.shutdown()
    server.server_close()


def _notify(recipients):
    return services.notify(
        recipients=recipients,
        event="tests.robot",
        template="notify/generic",
        context={"subject": "Budget & plan", "text": "Please look"},
        url="/requests/3/",
    )


def test_dingtalk_delivery_reaches_local_robot_signed(
    demo, robot_server, django_capture_on_commit_callbacks
):
    ChatWebhook.objects.create(
        name="mine",
        platform=Platform.DINGTALK,
        url=f"{robot_server.base}/robot/send?access_token=t",
        secret="SECabc",
        user=demo["mt_staff"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        _notify([demo["mt_staff"]])

    path, payload = robot_server.received[0]
    query = parse_qs(urlsplit(path).query)
    assert query["access_token"] == ["t"]
    assert unquote_plus(dingtalk_sign("SECabc", int(query["timestamp"][0]))) == query["sign"][0]
    assert payload["text"]["content"].startswith("Budget & plan\n\nPlease look")
    assert "http://127.0.0.1:8000/requests/3/" in payload["text"]["content"]
    chat = Delivery.objects.get(channel=Channel.CHAT)
    assert chat.status == DeliveryStatus.SENT and chat.sent_at is not None
    assert len(mail.outbox) == 1


def test_department_group_robot_only_for_those_who_opted_in(
    demo, robot_server, django_capture_on_commit_callbacks
):
    from collab.notify.models import NotificationPreference

    robot_server.answer = {"code": 0}
    ChatWebhook.objects.create(
        name="MT group",
        platform=Platform.FEISHU,
        url=f"{robot_server.base}/hook",
        secret="s",
        department=demo["mt_staff"].department,
    )
    NotificationPreference.objects.create(user=demo["mt_head"], department_chat=True)

    with django_capture_on_commit_callbacks(execute=True):
        _notify([demo["mt_staff"], demo["mt_head"]])

    assert len(robot_server.received) == 1
    _, payload = robot_server.received[0]
    assert payload["sign"] == feishu_sign("s", int(payload["timestamp"]))
    assert demo["mt_head"].name in payload["content"]["text"]


def test_robot_rejection_is_permanent_failure(
    demo, robot_server, django_capture_on_commit_callbacks
):
    robot_server.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    ChatWebhook.objects.create(
        name="bad key",
        platform=Platform.WECOM,
        url=f"{robot_server.base}/send?key=x",
        user=demo["mt_staff"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        _notify([demo["mt_staff"]])

    chat = Delivery.objects.get(channel=Channel.CHAT)
    assert chat.status == DeliveryStatus.FAILED
    assert "93000" in chat.last_error


def test_robot_server_error_is_retried_then_sent(
    demo, robot_server, django_capture_on_commit_callbacks
):
    robot_server.status = 502
    ChatWebhook.objects.create(
        name="flaky",
        platform=Platform.WECOM,
        url=f"{robot_server.base}/send?key=x",
        user=demo["mt_staff"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify([demo["mt_staff"]])
    chat = Delivery.objects.get(channel=Channel.CHAT)
    assert (chat.status, chat.attempts) == (DeliveryStatus.PENDING, 1)

    robot_server.status = 200
    requeued = services.retry_deliveries(now=chat.next_attempt_at)

    chat.refresh_from_db()
    assert requeued == 1
    assert (chat.status, chat.attempts) == (DeliveryStatus.SENT, 2)
    assert services.retry_deliveries(now=chat.next_attempt_at) == 0


def test_admin_robot_list_does_not_show_secret_or_address(demo, login):
    ChatWebhook.objects.create(
        name="TE group",
        platform=Platform.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=TOPSECRET",
        secret="SECsupersecret",
        department=demo["te_head"].department,
    )
    client = login(demo["admin"])

    listing = client.get(reverse("admin:notify_chatwebhook_changelist"))
    robot = ChatWebhook.objects.get()
    change = client.get(reverse("admin:notify_chatwebhook_change", args=[robot.pk]))

    assert listing.status_code == 200 and b"TE group" in listing.content
    assert b"TOPSECRET" not in listing.content and b"SECsupersecret" not in listing.content
    assert b"SECsupersecret" not in change.content


def test_admin_robot_edit_keeps_secret_when_left_empty(demo, login):
    robot = ChatWebhook.objects.create(
        name="TE group",
        platform=Platform.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=a",
        secret="SECkeep",
        department=demo["te_head"].department,
    )

    response = login(demo["admin"]).post(
        reverse("admin:notify_chatwebhook_change", args=[robot.pk]),
        {
            "name": "TE group renamed",
            "platform": "dingtalk",
            "url": robot.url,
            "secret": "",
            "department": robot.department_id,
            "user": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    robot.refresh_from_db()
    assert robot.name == "TE group renamed" and robot.secret == "SECkeep"


def test_admin_robot_needs_exactly_one_owner(demo, login):
    response = login(demo["admin"]).post(
        reverse("admin:notify_chatwebhook_add"),
        {
            "name": "x",
            "platform": "wecom",
            "url": "https://qyapi.weixin.qq.com/x?key=1",
            "secret": "",
            "department": demo["te_head"].department_id,
            "user": demo["te_head"].pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert b"either a department or a person" in response.content
    assert not ChatWebhook.objects.exists()
