// The reference for the AssumeRole benchmark: node:http returning a fixed
// body of the size of an AssumeRole response, after reading the request body.
import { createServer } from "node:http";

const body = `<AssumeRoleResponse>${"x".repeat(1100)}</AssumeRoleResponse>`;
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "text/xml" });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
