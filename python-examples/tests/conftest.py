"""pytest setup for python-examples: import the training package from source."""

import os
import sys
import tempfile
from pathlib import Path

# Prefect keeps its local state (the temporary API server's database) in
# PREFECT_HOME: give the tests their own, never the user's ~/.prefect.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="genre-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "training_suite: needs TensorFlow, MLflow and Prefect (python-examples/training/requirements.txt)",
    )
