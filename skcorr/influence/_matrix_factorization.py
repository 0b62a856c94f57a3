"""The matrix factorisation of the ratings settings of the reciprocity study
(a torch module: needs the ``torch`` extra)."""

import torch


class MatrixFactorization(torch.nn.Module):
    """Rating = user . item + user bias + item bias + global bias."""

    def __init__(self, n_users=50, n_items=40, rank=3):
        super().__init__()
        self.users = torch.nn.Embedding(n_users, rank)
        self.items = torch.nn.Embedding(n_items, rank)
        self.user_bias = torch.nn.Embedding(n_users, 1)
        self.item_bias = torch.nn.Embedding(n_items, 1)
        self.bias = torch.nn.Parameter(torch.zeros(1))
        for embedding in (self.users, self.items):
            torch.nn.init.normal_(embedding.weight, std=0.1)
        for embedding in (self.user_bias, self.item_bias):
            torch.nn.init.zeros_(embedding.weight)

    def forward(self, X):
        users, items = X[:, 0], X[:, 1]
        dot = (self.users(users) * self.items(items)).sum(1, keepdim=True)
        return dot + self.user_bias(users) + self.item_bias(items) + self.bias
