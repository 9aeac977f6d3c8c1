"""Embedding layer."""
from __future__ import annotations

import tocha

from ... import _creation as C
from ..._ops import nn_embed as F
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: row `i` of `weight` is the vector for index `i` (e.g. a word or character).

    Args:
        num_embeddings (int): size of the vocabulary (rows of the table).
        embedding_dim (int): size of each vector.
        padding_idx (int, optional): this row gets no gradient (and starts at zeros).
        max_norm (float, optional): renormalise looked-up rows to at most this norm.
        norm_type (float): the p of the p-norm for `max_norm`. Default: 2.
        scale_grad_by_freq (bool): scale gradients by the inverse word frequency in the batch.
        sparse (bool): make the gradient of `weight` a sparse COO tensor (the looked-up rows
            only); optimizers that take it: `SparseAdam`, `SGD`, `Adagrad`.
        device (str or tocha.device, optional): only `"cpu"`.
        dtype (tocha.dtype, optional): of the table.

    Shape:
        - Input: `(*)`, integer indices (int64).
        - Output: `(*, embedding_dim)`.

    Attributes:
        weight (Parameter): `(num_embeddings, embedding_dim)`, initialised from N(0, 1).

    Example:
        >>> import tocha
        >>> emb = tocha.nn.Embedding(10, 3)
        >>> emb(tocha.tensor([[1, 2, 4], [4, 3, 9]])).shape
        torch.Size([2, 3, 3])
    """

    __constants__ = ("num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type",
                     "scale_grad_by_freq", "sparse")

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Tensor | None = None, _freeze: bool = False,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if padding_idx > 0:
                assert padding_idx < self.num_embeddings, \
                    "Padding_idx must be within num_embeddings"
            elif padding_idx < 0:
                assert padding_idx >= -self.num_embeddings, \
                    "Padding_idx must be within num_embeddings"
                padding_idx = self.num_embeddings + padding_idx
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if _weight is None:
            self.weight = Parameter(C.empty((num_embeddings, embedding_dim), device=device,
                                            dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            assert list(_weight.shape) == [num_embeddings, embedding_dim], \
                "Shape of weight does not match num_embeddings and embedding_dim"
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        self.sparse = sparse

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq=True"
        if self.sparse is not False:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is `embeddings` (frozen unless `freeze=False`)."""
        assert embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional"
        rows, cols = embeddings.shape
        return cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze,
                   padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)
