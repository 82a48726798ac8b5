"""tokentrends: a reproducible Year-in-Review of LLM token usage from OpenRouter's rankings data."""

import sys

from tokentrends import fingerprint as _fingerprint  # first: the package's code as this process found it
from tokentrends.text_columns import python_strings_when_pandas_loads as _python_strings

del _fingerprint

_python_strings()
del _python_strings

__version__ = "0.1.0"

# jsonschema, which altair imports, compiles some 40 grammars of the optional rfc3987-syntax package
# (its "iri" format checker) at import: about 0.8 s in every report kernel. Altair's schemas never use
# that format, so within tokentrends' processes the module is marked absent unless already imported.
sys.modules.setdefault("rfc3987_syntax", None)

CITATION_TEMPLATE = "Source: OpenRouter (openrouter.ai/rankings), as of {as_of}"
