"""Private text by metric-DP word substitution (notebook 14): each word moves to a noisy point in
embedding space and is replaced by the word nearest to it, so nearer words are likelier substitutes.

``rewriting`` holds the mechanism of Feyisetan et al. (2020) and its plausible-deniability
statistics, ``guarantee`` where releases land by distance and a sampled check of the bound,
``vectors`` the shipped word vectors, ``utility`` what rewriting costs an intent classifier
trained on the rewritten text, and ``explore`` one ε of the explorer.
"""

from trustlab.privacy.text.guarantee import check_metric_dp, release_by_distance
from trustlab.privacy.text.rewriting import (perturb, perturb_texts, plausible_deniability,
                                             substitution_distribution)
from trustlab.privacy.text.explore import TextRewritingResult, compute_text_rewriting
from trustlab.privacy.text.utility import intent_accuracy, utility_sweep
from trustlab.privacy.text.vectors import WordVectors, load_word_vectors

__all__ = ["TextRewritingResult", "WordVectors", "check_metric_dp", "compute_text_rewriting",
           "intent_accuracy", "load_word_vectors", "perturb", "perturb_texts",
           "plausible_deniability", "release_by_distance", "substitution_distribution", "utility_sweep"]
