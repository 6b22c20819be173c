"""Content models, progress and saves. Never imports textual, nor torch at import time."""
