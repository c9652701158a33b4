"""The test suite's settings: the project's own, with everything a run writes (files, the archive,
Huey's queue, the generated secret key) in a temporary folder, never in the working var/."""

import atexit
import os
import shutil
import tempfile

_VAR = tempfile.mkdtemp(prefix="gongkai-test-var-")
atexit.register(shutil.rmtree, _VAR, ignore_errors=True)
os.environ["GONGKAI_VAR_DIR"] = _VAR
os.environ.pop("MEDIA_ROOT", None)

from gongkai.settings import *  # noqa: E402, F403

# A `gongkai` command a test starts runs the plain settings, and still writes under the temporary
# var/ through the inherited GONGKAI_VAR_DIR (unless the test points it elsewhere).
os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
