"""The test suite's settings: the project's own, with everything a run writes (files, the archive,
Huey's queue, the generated secret key) in a temporary folder, never in the working var/."""

import atexit
import os
import shutil
import tempfile

_VAR = tempfile.mkdtemp(prefix="gongkai-test-var-")
atexit.register(shutil.rmtree, _VAR, ignore_errors=True)
os.environ["GONGKAI_VAR_DIR"] = _VAR  # subprocesses started by tests inherit it too
os.environ.pop("MEDIA_ROOT", None)

from gongkai.settings import *  # noqa: E402, F403
