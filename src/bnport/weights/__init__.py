"""`bnport weights`: a PyTorch checkpoint's BatchNorm entries renamed for MindSpore.

The stages, one module each:

- ``read``     the checkpoint: a torch file through ``torch.load(weights_only=True, mmap=True)`` (no
               code in the file runs) or a safetensors file parsed directly; the usual containers and
               the DataParallel ``module.`` prefix; every tensor lazy, its bytes fetched one at a time;
- ``source``   which attribute names the user's code assigns BatchNorm3d, SyncBatchNorm, LayerNorm,
               ... to (a static scan; the code is never imported);
- ``mapping``  the key map, derived from the rules' attribute tables (``to``, ``absent``,
               ``attribute_path``): entries recognised as BatchNorm by their names and shapes;
- ``write``    a safetensors file streamed tensor by tensor (or a MindSpore .ckpt), atomically;
- ``report``   text and JSON;
- ``command``  the pipeline behind the click command.
"""
