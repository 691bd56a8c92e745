"""Residents' appeals (诉求) and activities (活动/会议): the types, the ``appeals`` listing, the
workflow mutations and the live queue, one module each."""
