"""The WeCom (企业微信) channel, on wechatpy."""

CHANNEL = "wecom"
ROBOT_PREFIX = "robot:"  # a group that is a group robot's webhook: robot:<key>
