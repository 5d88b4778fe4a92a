// matrix-bot-sdk requires this module but uses it only when a bot enables encryption.
module.exports = {};
