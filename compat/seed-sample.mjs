// GenAuth's documented sample for AuthenticationClient.enrollFactor, as written there, with only the placeholders filled:
// appId/appSecret/appHost, the access token, the enrollmentToken and the code come from the environment.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, SEED_ACCESS_TOKEN, SEED_ENROLLMENT_TOKEN, SEED_PASSCODE.
// Prints the result exactly as the sample does (JSON.stringify(result, null, 2)).
import { AuthenticationClient, Models } from "authing-node-sdk";

const authenticationClient = new AuthenticationClient({
  // Need to be replaced with your GenAuth AppId, Secret and Host
  appId: process.env.PORTCULLIS_APP_ID,
  appSecret: process.env.PORTCULLIS_APP_SECRET,
  appHost: process.env.PORTCULLIS_APP_HOST,
});

(async () => {
  // Please call the login interface to get access_token first, and call the setAccessToken method to set access_token
  authenticationClient.setAccessToken(process.env.SEED_ACCESS_TOKEN);

  const result = await authenticationClient.enrollFactor({
    factorType: Models.EnrollFactorDto.factorType.SMS,
    enrollmentToken: process.env.SEED_ENROLLMENT_TOKEN,
    enrollmentData: {
      passCode: process.env.SEED_PASSCODE,
    },
  });

  console.log(JSON.stringify(result, null, 2));
})();
