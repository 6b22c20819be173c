import math
import torch
def gelu(x):
    y = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    return 0.5 * y * (1 + torch.erf(y / math.sqrt(2)))
