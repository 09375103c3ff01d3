import sys
from pathlib import Path

# The fixture harness is a helper module beside the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        help="run the fuzzing harness with many more cases",
    )
