import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings.bench")

import django  # noqa: E402

django.setup()

from bench.harness import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
