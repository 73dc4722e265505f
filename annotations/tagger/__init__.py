"""An entity tagger trained on the team's own accepted labels (``reader train``), used by
``reader suggest --model``.

Pure Python over data (no textual, no rich), one job per module:

* :mod:`.clitics` - Arabic proclitics, article and attached pronouns split off a word
* :mod:`.words` - how text is cut into words and sentences, spans <-> IOB2 tags
* :mod:`.features` - the word features a CRF weighs
* :mod:`.boundaries` - where entities start and end inside their words, learned from the data
* :mod:`.crf`, :mod:`.spacy_ner` - the backends (:mod:`.backends` names them)
* :mod:`.evaluation` - exact-match entity scores (seqeval's strict IOB2)
* :mod:`.training` - training data from the store, splits, evaluation, learning curve
* :mod:`.modeldir` - the model directory on disk
"""
