from rest_framework.routers import SimpleRouter

from .departments import DepartmentViewSet
from .kpis import KpiViewSet
from .ledgers import DocumentViewSet, LedgerViewSet
from .meetings import ActionItemViewSet, MeetingViewSet
from .notifications import NotificationViewSet
from .problems import ProblemViewSet
from .requests import RequestViewSet
from .tasks import TaskViewSet

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("requests", RequestViewSet, basename="request")
router.register("tasks", TaskViewSet, basename="task")
router.register("problems", ProblemViewSet, basename="problem")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("ledgers", LedgerViewSet, basename="ledger")
router.register("documents", DocumentViewSet, basename="document")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
