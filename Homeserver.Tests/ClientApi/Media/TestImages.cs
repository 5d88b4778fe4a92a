using SkiaSharp;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>Real images made in the test: PNG, JPEG and WebP by SkiaSharp, GIF by a minimal encoder (Skia encodes no GIF).</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height) => Encode(width, height, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int width, int height) => Encode(width, height, SKEncodedImageFormat.Webp);

    public static byte[] Of(string contentType, int width, int height) => contentType switch
    {
        "image/png" => Png(width, height),
        "image/jpeg" => Jpeg(width, height),
        "image/webp" => Webp(width, height),
        "image/gif" => Gif(width, height),
        _ => throw new ArgumentException(contentType),
    };

    /// <summary>A JPEG whose left half is red and right half blue.</summary>
    public static byte[] RedBlueJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, width / 2f, height, red);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    /// <summary>The JPEG with an EXIF APP1 segment holding just the orientation tag (1-8), right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] segment =
        [
            0xFF, 0xE1, 0x00, 0x22, // APP1, length 34
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, IFD at 8
            0x00, 0x01, // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00, // Orientation, SHORT, 1
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>The colour of one pixel of an encoded image.</summary>
    public static SKColor PixelAt(byte[] image, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(image) ?? throw new InvalidDataException("Not an image.");
        return bitmap.GetPixel(x, y);
    }

    /// <summary>The width and height of an encoded image, read by the decoder.</summary>
    public static (int Width, int Height, SKEncodedImageFormat Format) Measure(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image)) ?? throw new InvalidDataException("Not an image.");
        return (codec.Info.Width, codec.Info.Height, codec.EncodedFormat);
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SkyBlue);
            using var paint = new SKPaint { Color = SKColors.OrangeRed };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>
    /// A two-colour GIF: stripes of palette entries 0 and 1, LZW-coded with a clear code after every two pixels
    /// so that the code width stays at 3 bits (valid, if not small).
    /// </summary>
    public static byte[] Gif(int width, int height)
    {
        var output = new MemoryStream();
        void Write(params byte[] bytes) => output.Write(bytes);
        void Short(int value) => Write((byte)value, (byte)(value >> 8));
        Write("GIF89a"u8.ToArray());
        Short(width);
        Short(height);
        Write(0x80, 0, 0); // global colour table of 2 entries, background 0, no aspect
        Write(0x87, 0xCE, 0xEB, 0xFF, 0x45, 0x00);
        Write(0x2C);
        Short(0);
        Short(0);
        Short(width);
        Short(height);
        Write(0);
        const int minimumCodeSize = 2;
        const int clear = 4, end = 5;
        Write(minimumCodeSize);

        var data = new List<byte>();
        int bitBuffer = 0, bitCount = 0;
        void Code(int code)
        {
            bitBuffer |= code << bitCount;
            bitCount += 3;
            while (bitCount >= 8)
            {
                data.Add((byte)bitBuffer);
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        }
        var pixel = 0;
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            if (pixel++ % 2 == 0) Code(clear);
            Code((y / 8) % 2);
        }
        Code(end);
        if (bitCount > 0) data.Add((byte)bitBuffer);
        for (var i = 0; i < data.Count; i += 255)
        {
            var block = data.Skip(i).Take(255).ToArray();
            Write((byte)block.Length);
            Write(block);
        }
        Write(0, 0x3B);
        return output.ToArray();
    }
}
