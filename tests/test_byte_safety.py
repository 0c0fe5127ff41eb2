"""Untouched files stay byte-identical; edited files keep encoding, BOM, line endings and comments."""

from bnport.convert import convert_file
from bnport.rules import load_rules


def convert(data: bytes):
    return convert_file("m.py", data, load_rules())


def test_file_without_batchnorm_is_returned_as_is_without_parsing():
    data = b"import torch.nn as nn\r\nx = nn.GroupNorm(2, 4)\t# tab\x0c\n\xff not even utf-8\n"
    result = convert(data)
    assert result.status == "unchanged" and result.converted is None and not result.findings


def test_file_with_only_lookalikes_is_byte_identical():
    data = b"# nn.BatchNorm2d in a comment\r\ns = 'nn.BatchNorm2d(3)'\r\ndef f(nn):\r\n    return nn.BatchNorm2d(3)\r\n"
    result = convert(data)
    assert result.status == "unchanged" and result.original == data and result.converted is None


def test_crlf_line_endings_are_kept():
    data = b"import torch.nn as nn\r\n\r\nbn = nn.BatchNorm2d(3, momentum=0.2)  # note\r\n"
    result = convert(data)
    assert result.converted == b"import mindspore\r\n\r\nbn = mindspore.nn.BatchNorm2d(3, momentum=0.8)  # note\r\n"


def test_mixed_line_endings_are_kept_outside_the_edit():
    data = b"import torch.nn as nn\nimport os\r\nbn = nn.BatchNorm2d(3)\nx = os.sep\r\n"
    result = convert(data)
    assert result.converted == b"import torch.nn as nn\nimport os\r\nbn = nn.BatchNorm2d(3)\nx = os.sep\r\n".replace(
        b"import torch.nn as nn\n", b"import mindspore\n").replace(b"nn.BatchNorm2d", b"mindspore.nn.BatchNorm2d")


def test_utf8_bom_is_kept():
    data = b"\xef\xbb\xbfimport torch.nn as nn\nbn = nn.BatchNorm2d(3)\n"
    result = convert(data)
    assert result.converted == b"\xef\xbb\xbfimport mindspore\nbn = mindspore.nn.BatchNorm2d(3)\n"


def test_blank_lines_before_a_whitespace_only_last_line_are_kept():
    # libcst 1.9 parses these tails without the blank lines; bnport puts them back.
    for tail in (b"\n   \n", b"\n\n\t", b"\n    # the end\n", b"\r\n  \r\n"):
        data = b"import torch.nn as nn\nbn = nn.BatchNorm2d(3)\n" + tail
        result = convert(data)
        assert result.converted == b"import mindspore\nbn = mindspore.nn.BatchNorm2d(3)\n" + tail


def test_latin1_with_coding_cookie_is_kept_in_latin1():
    data = "# -*- coding: latin-1 -*-\nimport torch.nn as nn\nname = 'caf\u00e9'\nbn = nn.BatchNorm2d(3)\n".encode("latin-1")
    result = convert(data)
    assert result.converted == data.replace(b"import torch.nn as nn", b"import mindspore").replace(
        b"nn.BatchNorm2d", b"mindspore.nn.BatchNorm2d")
    assert b"caf\xe9" in result.converted


def test_latin1_without_cookie_is_an_error_not_a_guess():
    data = "import torch.nn as nn\nname = 'caf\u00e9'\nbn = nn.BatchNorm2d(3)\n".encode("latin-1")
    result = convert(data)
    assert result.status == "error"
    assert result.error == "2:12: cannot parse: not valid utf-8 (byte 0xe9); add a coding cookie or re-encode the file"


def test_tabs_and_form_feeds_outside_the_edit_are_kept():
    data = b"import torch.nn as nn\n\x0c\nclass M:\n\tdef f(self):\n\t\treturn nn.BatchNorm2d(3,\tmomentum=0.5)\n"
    result = convert(data)
    assert result.converted == b"import mindspore\n\x0c\nclass M:\n\tdef f(self):\n\t\treturn mindspore.nn.BatchNorm2d(3,\tmomentum=0.5)\n"


def test_import_line_comments_survive_when_the_import_goes():
    data = b"# header\nimport os\n# torch layers\nimport torch.nn as nn  # aliased\nbn = nn.BatchNorm2d(3)\n"
    result = convert(data)
    assert result.converted == b"# header\nimport os\n# torch layers\nimport mindspore  # aliased\nbn = mindspore.nn.BatchNorm2d(3)\n"


def test_existing_mindspore_alias_is_reused():
    data = b"import mindspore as ms\nimport torch\nimport torch.nn as nn\nbn = nn.BatchNorm2d(3, dtype=torch.float32)\n"
    result = convert(data)
    assert result.converted == b"import mindspore as ms\nbn = ms.nn.BatchNorm2d(3, dtype=ms.float32)\n"


def test_partially_used_from_import_keeps_the_other_names():
    data = b"from torch.nn import (\n    BatchNorm2d,\n    Conv2d,\n)\nbn = BatchNorm2d(3)\nc = Conv2d(1, 1, 1)\n"
    result = convert(data)
    assert result.converted == b"import mindspore\nfrom torch.nn import (\n    Conv2d,\n)\nbn = mindspore.nn.BatchNorm2d(3)\nc = Conv2d(1, 1, 1)\n"


def test_import_that_was_already_unused_is_left_alone():
    data = b"import torch\nimport torch.nn as nn\nbn = nn.BatchNorm2d(3)\n"
    result = convert(data)
    assert result.converted == b"import mindspore\nimport torch\nbn = mindspore.nn.BatchNorm2d(3)\n"  # where isort puts it


def test_import_only_inside_a_block_keeps_the_block_valid():
    data = b"try:\n    import torch.nn as nn\nexcept ImportError:\n    raise\nbn = nn.BatchNorm2d(3)\n"
    result = convert(data)
    assert result.converted == b"import mindspore\n\ntry:\n    pass\nexcept ImportError:\n    raise\nbn = mindspore.nn.BatchNorm2d(3)\n"


def test_local_import_inside_a_function():
    data = b'"""Doc."""\n\ndef make():\n    import torch.nn as nn\n    return nn.BatchNorm2d(3, momentum=0.25)\n'
    result = convert(data)
    assert result.converted == b'"""Doc."""\n\nimport mindspore\n\n\ndef make():\n    return mindspore.nn.BatchNorm2d(3, momentum=0.75)\n'


def test_ambiguous_binding_is_reported_not_guessed():
    data = b"try:\n    import torch.nn as nn\nexcept ImportError:\n    nn = None\nbn = nn.BatchNorm2d(3)\n"
    result = convert(data)
    # Left as it is; only the finding's marker is written above the statement.
    assert result.converted == data.replace(b"bn = ", b"# bnport: BNP001 a name may be bound to several things\nbn = ")
    assert [(f.line, f.severity) for f in result.findings] == [(5, "warning")]
    assert "may be any of" in result.findings[0].message


def test_parenthesised_values_are_seen_through():
    """`momentum=(None)` must be refused, not turned into `1 - (None)` (PaConvert's bug)."""
    refused = convert(b"import torch.nn as nn\nbn = nn.BatchNorm2d(3, momentum=(None))\n")
    assert b"momentum=(None))" in refused.converted and [f.severity for f in refused.findings] == ["error"]
    data = b"import torch.nn as nn\nbn = nn.BatchNorm2d(3, momentum=(  # why\n  0.1), track_running_stats=(False))\n"
    assert convert(data).converted == (
        b"import mindspore\nbn = mindspore.nn.BatchNorm2d(3, momentum=(  # why\n  0.9), use_batch_statistics=(True))\n")
