"""Private text by metric-DP word substitution (notebook 14): each word moves to a noisy
neighbour in embedding space, so "Boston" may become "Chicago" but hardly ever "Sausage".

``rewriting`` holds the mechanism of Feyisetan et al. (2020) and its plausible-deniability
statistics, ``vectors`` the shipped word vectors, and ``utility`` what rewriting costs an intent
classifier trained on the rewritten text.
"""

from trustlab.privacy.text.rewriting import (check_metric_dp, perturb, perturb_texts,
                                             plausible_deniability, substitution_distribution)
from trustlab.privacy.text.utility import (TextRewritingResult, compute_text_rewriting,
                                           intent_accuracy, utility_sweep)
from trustlab.privacy.text.vectors import WordVectors, load_word_vectors

__all__ = ["TextRewritingResult", "WordVectors", "check_metric_dp", "compute_text_rewriting",
           "intent_accuracy", "load_word_vectors", "perturb", "perturb_texts",
           "plausible_deniability", "substitution_distribution", "utility_sweep"]
