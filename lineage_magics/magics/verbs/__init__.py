"""One module per %lineage verb (or a small group); each exports ``VERBS``: name -> Verb."""
