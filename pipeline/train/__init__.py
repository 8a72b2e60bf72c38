"""Training the models that ship in the package: ``python -m pipeline.train ner``.

Needs the ``train`` extra (``pip install -e '.[train]'``, which brings PyTorch); the pipeline
itself never imports this package.
"""
