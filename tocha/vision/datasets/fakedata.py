"""FakeData: random images, reproducible per index (seeded from the index, as torchvision)."""
from __future__ import annotations

import tocha

from .vision import VisionDataset


class FakeData(VisionDataset):
    """`size` random images (PIL, from randn) with random labels; item i is drawn after
    `manual_seed(i + random_offset)` and the global RNG state is restored afterwards."""

    def __init__(self, size: int = 1000, image_size=(3, 224, 224), num_classes: int = 10,
                 transform=None, target_transform=None, random_offset: int = 0) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes = size, num_classes
        self.image_size, self.random_offset = tuple(image_size), random_offset

    def __getitem__(self, index: int):
        from ..transforms import functional as F
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        state = tocha.get_rng_state()
        tocha.manual_seed(index + self.random_offset)
        img = tocha.randn(*self.image_size)
        target = tocha.randint(0, self.num_classes, size=(1,), dtype=tocha.long)[0]
        tocha.set_rng_state(state)
        img = F.to_pil_image(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item() if isinstance(target, tocha.Tensor) else target

    def __len__(self) -> int:
        return self.size
