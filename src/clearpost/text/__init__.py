"""Text handling shared by every detector: normalisation with offset maps, lexicons."""

from clearpost.text.lexicon import Lexicon, Match
from clearpost.text.normalize import NormalizedText, normalize

__all__ = ["Lexicon", "Match", "NormalizedText", "normalize"]
