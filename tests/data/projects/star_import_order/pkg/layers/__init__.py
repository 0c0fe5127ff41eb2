from .plain import *
from .custom import *
