from django.core import mail
from django.db import transaction

from collab.notify.models import (
    Channel,
    ChatWebhook,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    Platform,
)
from collab.notify.services import notify


def _hello(recipients, title="Budget approved", url="/requests/1/"):
    return notify(
        recipients=recipients,
        event="tests.hello",
        template="notifytest/hello",
        context={"title": title},
        url=url,
    )


def test_notify_renders_in_each_recipients_language(demo, test_templates):
    demo["mt_staff"].preferred_language = "en"
    demo["mt_staff"].save()
    demo["te_head"].preferred_language = "zh-hans"
    demo["te_head"].save()

    _hello([demo["mt_staff"], demo["te_head"]])

    english = Notification.objects.get(recipient=demo["mt_staff"])
    chinese = Notification.objects.get(recipient=demo["te_head"])
    assert english.subject == "[en] Budget approved for mt_staff"
    assert chinese.subject == "[zh-hans] Budget approved for te_head"
    assert english.body == "Hello mt_staff (en): Budget approved"
    assert "<b>mt_staff</b>" in english.body_html
    assert english.url == "/requests/1/" and english.event == "tests.hello"
    assert english.read_at is None


def test_notify_skips_duplicates_inactive_and_none(demo, test_templates):
    demo["hr_staff"].is_active = False
    demo["hr_staff"].save()

    created = _hello([demo["mt_staff"], demo["mt_staff"], None, demo["hr_staff"]])

    assert len(created) == 1
    assert Notification.objects.filter(recipient=demo["mt_staff"]).count() == 1
    assert not Notification.objects.filter(recipient=demo["hr_staff"]).exists()


def test_notify_text_is_not_html_escaped(demo, test_templates):
    _hello([demo["mt_staff"]], title="R&D <budget>")

    notification = Notification.objects.get()
    assert notification.subject.startswith("[") and "R&D <budget>" in notification.subject
    assert "R&D <budget>" in notification.body
    assert "R&amp;D &lt;budget&gt;" in notification.body_html


def test_notify_sends_email_after_commit(demo, test_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _hello([demo["mt_staff"]])
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mt_staff@example.com"]
    assert "Budget approved" in message.subject
    assert "http://127.0.0.1:8000/requests/1/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_notify_rolled_back_sends_nothing(demo, test_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _hello([demo["mt_staff"]])
                raise RuntimeError("the caller's action failed")
        except RuntimeError:
            pass

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_notify_respects_email_preference(demo, test_templates, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=demo["mt_staff"], email=False)

    with django_capture_on_commit_callbacks(execute=True):
        _hello([demo["mt_staff"], demo["te_staff"]])

    assert [m.to for m in mail.outbox] == [["te_staff@example.com"]]
    assert Notification.objects.count() == 2


def test_notify_person_without_email_gets_in_app_only(demo, test_templates):
    demo["mt_staff"].email = ""
    demo["mt_staff"].save()

    _hello([demo["mt_staff"]])

    assert Notification.objects.count() == 1
    assert not Delivery.objects.exists()


def test_notify_broken_chat_robot_does_not_block_email(
    demo, test_templates, django_capture_on_commit_callbacks
):
    # A port nobody listens on: the robot fails, the e-mail and the in-app row stay.
    ChatWebhook.objects.create(
        name="dead robot",
        platform=Platform.WECOM,
        url="http://127.0.0.1:9/hook",
        user=demo["mt_staff"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        created = _hello([demo["mt_staff"]])

    assert len(created) == 1
    assert len(mail.outbox) == 1
    chat = Delivery.objects.get(channel=Channel.CHAT)
    assert chat.status == DeliveryStatus.PENDING
    assert chat.attempts == 1 and chat.next_attempt_at is not None
    assert "unreachable" in chat.last_error


def test_notify_query_count_does_not_grow_with_recipients(
    demo, test_templates, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        _hello([demo["mt_staff"]])
    many = [u for name, u in demo.items() if name.endswith(("_head", "_liaison", "_staff"))][:20]
    with CaptureQueriesContext(connection) as twenty:
        _hello(many)

    assert len(many) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_demo_seed_is_idempotent_and_arms_a_reminder(demo):
    from collab.core.demo import SEEDERS
    from collab.notify import demo as notify_demo
    from collab.notify.models import Reminder

    assert notify_demo.seed in SEEDERS
    notify_demo.seed(demo)
    notify_demo.seed(demo)

    assert Notification.objects.filter(event=notify_demo.WELCOME).count() == len(demo)
    assert Reminder.objects.filter(recipient=demo["mt_staff"], stage="demo-follow-up").count() == 1
