"""The review shots use the app's fibre texture settings (no mipmaps: a software-GL stall)."""

from viewer.anatomy import review


def test_the_review_fibre_texture_repeats_and_is_not_mipmapped():
    texture = review._fibre_texture()
    assert texture.repeat and texture.interpolate
    # mipmapped, one nearly edge-on triangle cost a 12.6 s llvmpipe frame in the review shots
    assert not texture.mipmap
