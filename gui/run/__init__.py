"""The run controller: the frame clock that drains a source into the view model."""
