import sys
from pathlib import Path

# The fixture harness is a helper module beside the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))
