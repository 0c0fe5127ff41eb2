"""Prefer apex's fused SyncBatchNorm; fall back to torch's."""
try:
    from apex.parallel import SyncBatchNorm
except ImportError:
    from torch.nn import SyncBatchNorm
