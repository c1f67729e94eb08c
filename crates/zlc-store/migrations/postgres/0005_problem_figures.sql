-- 整改前后流程要素: the figures a rectification claims for its service item,
-- applied to the item (and its history) when the rectification is verified.
ALTER TABLE problems ADD COLUMN figures_after TEXT;
