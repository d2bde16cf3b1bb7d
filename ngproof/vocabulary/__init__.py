"""The claim vocabulary: what a lesson's claims are written in.

``claims`` declares them (``claim``, ``figure``, ``uncheckable``, re-exported by ``ngproof``);
``checks`` is the object a claim body receives (``c.prove``, ``c.fuzz``, ``c.counterexample``, ...);
``evidence`` is what those calls record and how a status and an outcome are judged from it;
``profiles`` are the hypothesis budgets.  The author's other imports sit beside the package
root: ``ngproof.strategies``, ``ngproof.tolerance``, ``ngproof.symbolic``.
"""
