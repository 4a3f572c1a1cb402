"""The catalogue: one module per textbook result.

Each module registers a builder with :func:`lbsym.derivation.register`;
adding a derivation means adding one file here.
"""
