"""A character-level LSTM learns to continue a short text: Embedding, LSTM, Linear.

Run: python examples/lstm_text.py   (TOCHA_EXAMPLES_QUICK=1 for a short training)
"""
from _settings import size

import tocha as torch
from tocha import nn

TEXT = ("the cat sat on the mat. the dog sat on the log. the cat saw the dog and the dog saw "
        "the cat. then the cat sat on the log and the dog sat on the mat. ") * 4
chars = sorted(set(TEXT))
index = {c: i for i, c in enumerate(chars)}
data = torch.tensor([index[c] for c in TEXT])          # (len,) int64 character codes


class CharLSTM(nn.Module):
    def __init__(self, vocab: int, hidden: int = 64):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):                  # x: (batch, seq) codes
        out, state = self.lstm(self.embed(x), state)   # out: (batch, seq, hidden)
        return self.head(out), state                   # scores: (batch, seq, vocab)


torch.manual_seed(0)
model = CharLSTM(len(chars))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
seq, batch = 32, 16
for step in range(size(300, 30)):
    starts = torch.randint(0, len(data) - seq - 1, (batch,))
    x = torch.stack([data[s:s + seq] for s in starts.tolist()])
    y = torch.stack([data[s + 1:s + seq + 1] for s in starts.tolist()])  # the next characters
    scores, _ = model(x)
    loss = loss_fn(scores.reshape(-1, len(chars)), y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)   # LSTMs like their gradients bounded
    optimizer.step()
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.3f}")

# generate: feed "the c" and then each predicted character back in
model.eval()
with torch.no_grad():
    text = "the c"
    scores, state = model(torch.tensor([[index[c] for c in text]]))
    for _ in range(40):
        nxt = scores[0, -1].argmax().item()
        text += chars[nxt]
        scores, state = model(torch.tensor([[nxt]]), state)
print(repr(text))
assert loss.item() < 3.0
