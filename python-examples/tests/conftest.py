"""pytest setup for python-examples: import the training package from source."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "training_suite: needs TensorFlow, MLflow and Prefect (python-examples/training/requirements.txt)",
    )
