# A config file: the registry builds what its dicts name.
model = dict(backbone=dict(type="MobileNet", norm_cfg=dict(type="BN", momentum=0.03)))
