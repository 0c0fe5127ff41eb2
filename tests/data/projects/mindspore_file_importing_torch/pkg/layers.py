import mindspore

BatchNorm2d = mindspore.nn.BatchNorm2d
