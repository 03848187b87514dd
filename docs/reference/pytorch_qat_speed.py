"""The PyTorch reference for the QAT speed figure in docs/BENCHMARKS.md (not part of BitPlan; needs Debian's
python3-torch). Eager PyTorch QAT of the Fashion ResNet-8's architecture (Conv-BN-ReLU fused for QAT, 4-bit
per-channel weights, 8-bit activations, torch.ao's fake-quant modules with their observers), batch 64, Adam,
cross-entropy on the fixture's real images; prints training images per second for 1 and 2 threads.

    /usr/bin/python3 docs/reference/pytorch_qat_speed.py ../shared/fixtures/fashion/fmnist_train_20k.npz
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.add = nn.quantized.FloatFunctional()
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(self.add.add(y, x if self.down is None else self.down(x)))


class ResNet8(nn.Module):
    """9 Conv + 1 Gemm, 77,072 weights: the layer shapes of resnet8_fmnist.onnx."""

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = Block(16, 16, 1)
        self.layer2 = Block(16, 32, 2)
        self.layer3 = Block(32, 64, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(self.quant(x)))))
        return self.dequant(self.fc(torch.flatten(self.pool(x), 1)))


def qat_model():
    m = ResNet8().train()
    pairs = [["stem.0", "stem.1", "stem.2"]]
    for l in ("layer1", "layer2", "layer3"):
        pairs += [[f"{l}.conv1", f"{l}.bn1", f"{l}.relu1"], [f"{l}.conv2", f"{l}.bn2"]]
    for l in ("layer2", "layer3"):
        pairs += [[f"{l}.down.0", f"{l}.down.1"]]
    m = tq.fuse_modules_qat(m, pairs)
    weight4 = tq.FakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-7, quant_max=7,
                                        dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    m.qconfig = tq.QConfig(activation=tq.FusedMovingAvgObsFakeQuantize.with_args(quant_min=0, quant_max=255,
                                                                                  dtype=torch.quint8), weight=weight4)
    return tq.prepare_qat(m)


def main(path):
    data = np.load(path)
    x = torch.from_numpy(data["input"])
    y = torch.from_numpy(data["labels"])
    for threads in (1, 2):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = qat_model()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        loss_fn = nn.CrossEntropyLoss()
        steps, batch, warm = 150, 64, 20
        for step in range(steps + warm):
            if step == warm:
                t0 = time.perf_counter()
            i = (step * batch) % (len(x) - batch)
            opt.zero_grad()
            loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - t0
        print(f"threads {threads}: {steps * batch / seconds:.0f} images/s ({1000 * seconds / steps:.1f} ms a step of {batch})")


if __name__ == "__main__":
    main(sys.argv[1])
