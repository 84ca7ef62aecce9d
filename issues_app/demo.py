def seed_issues(users):
    pass
