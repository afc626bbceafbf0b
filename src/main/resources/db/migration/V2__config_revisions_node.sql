-- Which gateway process made a revision (host:pid), shown in the history.
ALTER TABLE ${schema}.config_revisions ADD COLUMN made_by text;
