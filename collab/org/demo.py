"""The demo organisation used by `seed_demo`, the browser tests and the benchmarks."""

from django.db import transaction

from .models import Department, User

DEMO_PASSWORD = "collab-demo"  # noqa: S105 - documented demo password, DEBUG only

DEPARTMENTS = [
    # code, Chinese, English, division leader
    ("MT", "市场部", "Marketing", "leader1"),
    ("TE", "技术部", "Technology", "leader2"),
    ("PD", "产品部", "Product", "leader2"),
    ("SA", "销售部", "Sales", "leader1"),
    ("FI", "财务部", "Finance", "leader2"),
    ("HR", "人力资源部", "Human Resources", "leader2"),
    ("AD", "行政部", "Administration", "leader1"),
]

SURNAMES = {"MT": "马", "TE": "唐", "PD": "潘", "SA": "孙", "FI": "范", "HR": "何", "AD": "艾"}
ROLE_NAMES = {"head": "经理", "liaison": "对接人", "staff": "专员"}


@transaction.atomic
def seed_organisation() -> dict[str, User]:
    users: dict[str, User] = {}

    def person(username: str, **fields) -> User:
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
        return user

    admin = person("admin", display_name="系统管理员", is_staff=True, is_superuser=True)
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])

    departments = {}
    for code, name_zh, name_en, _leader in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en}
        )
        departments[code] = department

    ad = departments["AD"]
    person("secretary", display_name="秦秘书", department=ad, is_secretary=True)
    person("leader1", display_name="李总", department=ad, is_group_leader=True)
    person("leader2", display_name="刘总", department=ad)

    for code, _zh, _en, leader in DEPARTMENTS:
        department = departments[code]
        lower = code.lower()
        for role in ("head", "liaison", "staff"):
            person(
                f"{lower}_{role}",
                display_name=f"{SURNAMES[code]}{ROLE_NAMES[role]}",
                department=department,
                email=f"{lower}_{role}@example.com",
            )
        department.head = users[f"{lower}_head"]
        department.liaison = users[f"{lower}_liaison"]
        department.leader = users[leader]
        department.save()
    return users
