"""The lesson window: a talk played step by step — lanes, the code beside them, captions as
subtitles, prompts for the room — and its screencast.  The lesson itself (files, answers, the
flow of →) is Qt-free, in engine/lessons."""
