"""Build errors survive the trip back from the bone worker process."""

import pickle

from viewer.anatomy.errors import AnatomyDataError


def test_a_data_error_pickles_with_its_file_entry_and_field():
    error = AnatomyDataError("data/anatomy/bones.yaml", "mandible", "shapes", "3 separate pieces")
    back = pickle.loads(pickle.dumps(error))
    assert isinstance(back, AnatomyDataError)
    assert (back.where, back.entry, back.field) == ("data/anatomy/bones.yaml", "mandible", "shapes")
    assert str(back) == str(error)
