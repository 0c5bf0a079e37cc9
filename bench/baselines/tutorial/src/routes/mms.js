/* global require, console, module */
/* eslint-disable @typescript-eslint/no-require-imports -- the tutorial's own CommonJS code, kept as the tutorial has it */
// The tutorial's src/routes/mms.js, unchanged.
const express = require('express');
const { sendMmsViaSns } = require('../services/snsService');
const simpleApiKeyAuth = require('../middleware/auth');

const router = express.Router();

router.post('/send', simpleApiKeyAuth, async (req, res) => {
  const { phoneNumber, messageBody, mediaUrl } = req.body;

  if (!phoneNumber || !mediaUrl) {
    return res.status(400).json({ error: 'Bad Request: Missing required fields phoneNumber or mediaUrl.' });
  }

  const finalMessageBody = messageBody || ' ';

  try {
    console.log(`Received request to send MMS to ${phoneNumber} with media ${mediaUrl}`);
    const messageId = await sendMmsViaSns(phoneNumber, finalMessageBody, mediaUrl);
    res.status(200).json({
      success: true,
      message: 'Message submitted to SNS successfully.',
      phoneNumber: phoneNumber,
      messageId: messageId,
    });
  } catch (error) {
    console.error('Error in /send route:', error.message);
    if (error.message.includes('Invalid phone number') || error.message.includes('Invalid media URL')) {
      res.status(400).json({ success: false, error: `Bad Request: ${error.message}` });
    } else if (error.message.includes('SNS Publish Error')) {
      res.status(500).json({ success: false, error: `Internal Server Error: Failed to send message via SNS. ${error.message}` });
    } else {
      res.status(500).json({ success: false, error: 'Internal Server Error: An unexpected error occurred.' });
    }
  }
});

module.exports = router;
