"""Course tools: a course's lessons and the text of each lesson.

``lessons`` reads ``lesson.toml`` manifests and maps a claim to its lesson, ``material``
parses a lesson's text into sections and passages, ``coverage`` maps those passages to
claims, ``scaffold`` (``ngproof init``) starts a catalogue from a lesson and ``workflow``
writes its CI workflow.
"""
