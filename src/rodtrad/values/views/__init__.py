"""Pages of the vision and value base: public pages, stories, dialogues and the editing of value bases."""
