/* global require, process, console, module */
/* eslint-disable @typescript-eslint/no-require-imports -- the tutorial's own CommonJS code, kept as the tutorial has it */
// The tutorial's src/services/snsService.js. Differences, for the bench only: no dotenv (the bench
// passes the environment), and the SDK pointed at the local SNS server with `endpoint`.
const AWS = require('aws-sdk');

AWS.config.update({ region: process.env.AWS_REGION });

const sns = new AWS.SNS({ apiVersion: '2010-03-31', endpoint: process.env.SNS_ENDPOINT });

async function sendMmsViaSns(phoneNumber, messageBody, mediaUrl) {
  const fullMessage = `${messageBody}\n${mediaUrl}`;

  if (!phoneNumber || !/^(\+)[1-9]\d{1,14}$/.test(phoneNumber)) {
    throw new Error('Invalid phone number format. Use E.164 format (e.g., +12125551234).');
  }
  if (!mediaUrl || !mediaUrl.startsWith('http')) {
    throw new Error('Invalid media URL. Must be a valid HTTP/HTTPS URL.');
  }
  if (fullMessage.length > 1600) {
    console.warn('Message length is long, may be split or rejected by carriers.');
  }

  const params = {
    Message: fullMessage,
    PhoneNumber: phoneNumber,
    MessageAttributes: {
      'AWS.SNS.SMS.SMSType': {
        DataType: 'String',
        StringValue: 'Transactional',
      },
    },
  };

  console.log(`Attempting to send SMS to ${phoneNumber}`);
  try {
    const publishResponse = await sns.publish(params).promise();
    console.log(`Message sent successfully to ${phoneNumber}. Message ID: ${publishResponse.MessageId}`);
    return publishResponse.MessageId;
  } catch (error) {
    console.error(`Failed to send message to ${phoneNumber}:`, error);
    // eslint-disable-next-line preserve-caught-error -- the tutorial's code
    throw new Error(`SNS Publish Error: ${error.message}`);
  }
}

module.exports = {
  sendMmsViaSns,
};
